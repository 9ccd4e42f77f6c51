import Database from 'better-sqlite3';
import type { ApiKeyListQuery, ApiKeyPage, ApiKeyReadModel } from '../../keys/projection/api-key-read-model.port.js';
import type { ApiKeyView } from '../../keys/projection/api-key-view.js';

interface ApiKeyRow {
  id: string;
  account_id: string;
  name: string | null;
  prefix: string;
  secret_hash: string;
  status: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  created_position: number;
  revision: number;
}

const PROJECTION = 'api-keys';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  name TEXT,
  prefix TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT,
  created_position INTEGER NOT NULL,
  revision INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS api_keys_listing ON api_keys (account_id, created_position DESC);
CREATE TABLE IF NOT EXISTS checkpoints (
  projection TEXT PRIMARY KEY,
  position INTEGER NOT NULL
);
`;

/** The embedded read model: its own SQLite file, so it can be deleted and rebuilt from the log. */
export class SqliteApiKeyReadModel implements ApiKeyReadModel {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly saveTx;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // The log is the source of truth: losing the last writes on power loss costs a short replay.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.statements = {
      byHash: this.db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE secret_hash = ?'),
      byId: this.db.prepare<[string, string], ApiKeyRow>('SELECT * FROM api_keys WHERE account_id = ? AND id = ?'),
      list: this.db.prepare<[string, number, number], ApiKeyRow>(
        'SELECT * FROM api_keys WHERE account_id = ? AND created_position < ? ORDER BY created_position DESC LIMIT ?',
      ),
      upsert: this.db.prepare(`
        INSERT INTO api_keys (id, account_id, name, prefix, secret_hash, status, created_at, revoked_at, last_used_at, created_position, revision)
        VALUES (@id, @accountId, @name, @prefix, @secretHash, @status, @createdAt, @revokedAt, @lastUsedAt, @createdPosition, @revision)
        ON CONFLICT (id) DO UPDATE SET
          name = excluded.name, status = excluded.status, revoked_at = excluded.revoked_at,
          last_used_at = excluded.last_used_at, revision = excluded.revision
        WHERE excluded.revision > api_keys.revision`),
      checkpoint: this.db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE projection = ?'),
      saveCheckpoint: this.db.prepare(`
        INSERT INTO checkpoints (projection, position) VALUES (?, ?)
        ON CONFLICT (projection) DO UPDATE SET position = excluded.position WHERE excluded.position > checkpoints.position`),
    };
    this.saveTx = this.db.transaction((views: readonly ApiKeyView[], checkpoint: number) => {
      for (const view of views) this.statements.upsert.run(view);
      this.statements.saveCheckpoint.run(PROJECTION, checkpoint);
    });
  }

  async findBySecretHash(secretHash: string): Promise<ApiKeyView | null> {
    const row = this.statements.byHash.get(secretHash);
    return row ? toView(row) : null;
  }

  async findById(accountId: string, id: string): Promise<ApiKeyView | null> {
    const row = this.statements.byId.get(accountId, id);
    return row ? toView(row) : null;
  }

  async list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    const rows = this.statements.list.all(accountId, query.beforePosition ?? Number.MAX_SAFE_INTEGER, query.limit + 1);
    return { views: rows.slice(0, query.limit).map(toView), hasMore: rows.length > query.limit };
  }

  async getMany(ids: readonly string[]): Promise<Map<string, ApiKeyView>> {
    const found = new Map<string, ApiKeyView>();
    if (ids.length === 0) return found;
    const rows = this.db
      .prepare<string[], ApiKeyRow>(`SELECT * FROM api_keys WHERE id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids);
    for (const row of rows) found.set(row.id, toView(row));
    return found;
  }

  async save(views: readonly ApiKeyView[], checkpoint: number): Promise<void> {
    this.saveTx(views, checkpoint);
  }

  async getCheckpoint(): Promise<number | null> {
    return this.statements.checkpoint.get(PROJECTION)?.position ?? null;
  }

  async reset(): Promise<void> {
    this.db.exec(`DELETE FROM api_keys; DELETE FROM checkpoints WHERE projection = '${PROJECTION}';`);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    prefix: row.prefix,
    secretHash: row.secret_hash,
    status: row.status,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    createdPosition: row.created_position,
    revision: row.revision,
  };
}
