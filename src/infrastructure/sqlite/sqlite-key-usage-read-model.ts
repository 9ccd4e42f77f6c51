import Database from 'better-sqlite3';
import type { KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageView } from '../../usage/projection/key-usage-view.js';
import { openReadModelDatabase } from './read-model-database.js';

interface KeyUsageRow {
  key_id: string;
  account_id: string;
  accepted: number;
  rate_limited: number;
  first_used_at: string;
  last_used_at: string;
  last_ip: string | null;
  last_user_agent: string | null;
  hourly: string;
  revision: number;
}

const PROJECTION = 'key-usage';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS key_usage (
  key_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  accepted INTEGER NOT NULL,
  rate_limited INTEGER NOT NULL,
  first_used_at TEXT NOT NULL,
  last_used_at TEXT NOT NULL,
  last_ip TEXT,
  last_user_agent TEXT,
  hourly TEXT NOT NULL,
  revision INTEGER NOT NULL
);
`;

/** Usage views in the embedded read-model file, beside the key views. */
export class SqliteKeyUsageReadModel implements KeyUsageReadModel {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly saveTx;

  constructor(file: string) {
    this.db = openReadModelDatabase(file);
    this.db.exec(SCHEMA);
    this.statements = {
      upsert: this.db.prepare(`
        INSERT INTO key_usage (key_id, account_id, accepted, rate_limited, first_used_at, last_used_at, last_ip, last_user_agent, hourly, revision)
        VALUES (@keyId, @accountId, @accepted, @rateLimited, @firstUsedAt, @lastUsedAt, @lastIp, @lastUserAgent, @hourly, @revision)
        ON CONFLICT (key_id) DO UPDATE SET
          accepted = excluded.accepted, rate_limited = excluded.rate_limited, first_used_at = excluded.first_used_at,
          last_used_at = excluded.last_used_at, last_ip = excluded.last_ip, last_user_agent = excluded.last_user_agent,
          hourly = excluded.hourly, revision = excluded.revision
        WHERE excluded.revision > key_usage.revision`),
      checkpoint: this.db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE projection = ?'),
      saveCheckpoint: this.db.prepare(`
        INSERT INTO checkpoints (projection, position) VALUES (?, ?)
        ON CONFLICT (projection) DO UPDATE SET position = excluded.position WHERE excluded.position > checkpoints.position`),
    };
    this.saveTx = this.db.transaction((views: readonly KeyUsageView[], checkpoint: number) => {
      for (const view of views) this.statements.upsert.run({ ...view, hourly: JSON.stringify(view.hourly) });
      this.statements.saveCheckpoint.run(PROJECTION, checkpoint);
    });
  }

  async getMany(keyIds: readonly string[]): Promise<Map<string, KeyUsageView>> {
    const found = new Map<string, KeyUsageView>();
    if (keyIds.length === 0) return found;
    const rows = this.db
      .prepare<string[], KeyUsageRow>(`SELECT * FROM key_usage WHERE key_id IN (${keyIds.map(() => '?').join(',')})`)
      .all(...keyIds);
    for (const row of rows) found.set(row.key_id, toView(row));
    return found;
  }

  async save(views: readonly KeyUsageView[], checkpoint: number): Promise<void> {
    this.saveTx(views, checkpoint);
  }

  async getCheckpoint(): Promise<number | null> {
    return this.statements.checkpoint.get(PROJECTION)?.position ?? null;
  }

  async reset(): Promise<void> {
    this.db.exec(`DELETE FROM key_usage; DELETE FROM checkpoints WHERE projection = '${PROJECTION}';`);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toView(row: KeyUsageRow): KeyUsageView {
  return {
    keyId: row.key_id,
    accountId: row.account_id,
    accepted: row.accepted,
    rateLimited: row.rate_limited,
    firstUsedAt: row.first_used_at,
    lastUsedAt: row.last_used_at,
    lastIp: row.last_ip,
    lastUserAgent: row.last_user_agent,
    hourly: JSON.parse(row.hourly),
    revision: row.revision,
  };
}
