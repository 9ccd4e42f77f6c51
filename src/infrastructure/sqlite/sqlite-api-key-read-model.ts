import Database from 'better-sqlite3';
import type { ApiKeyListQuery, ApiKeyPage, ApiKeyReadModel } from '../../keys/projection/api-key-read-model.port.js';
import type { ApiKeyView } from '../../keys/projection/api-key-view.js';
import { openReadModelDatabase } from './read-model-database.js';

interface ApiKeyRow {
  id: string;
  account_id: string;
  name: string | null;
  prefix: string;
  secret_hash: string;
  status: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
  rate_limit_requests: number;
  rate_limit_per_seconds: number;
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
  rate_limit_requests INTEGER NOT NULL,
  rate_limit_per_seconds INTEGER NOT NULL,
  created_position INTEGER NOT NULL,
  revision INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS api_keys_listing ON api_keys (account_id, created_position DESC);
`;

/** The embedded read model: its own SQLite file, so it can be deleted and rebuilt from the log. */
export class SqliteApiKeyReadModel implements ApiKeyReadModel {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly saveTx;

  constructor(file: string) {
    this.db = openReadModelDatabase(file);
    this.db.exec(SCHEMA);
    this.statements = {
      byHash: this.db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE secret_hash = ?'),
      byId: this.db.prepare<[string, string], ApiKeyRow>('SELECT * FROM api_keys WHERE account_id = ? AND id = ?'),
      list: this.db.prepare<[string, number, number], ApiKeyRow>(
        'SELECT * FROM api_keys WHERE account_id = ? AND created_position < ? ORDER BY created_position DESC LIMIT ?',
      ),
      upsert: this.db.prepare(`
        INSERT INTO api_keys (id, account_id, name, prefix, secret_hash, status, rate_limit_requests, rate_limit_per_seconds,
                              created_at, revoked_at, created_position, revision)
        VALUES (@id, @accountId, @name, @prefix, @secretHash, @status, @rateLimitRequests, @rateLimitPerSeconds,
                @createdAt, @revokedAt, @createdPosition, @revision)
        ON CONFLICT (id) DO UPDATE SET
          name = excluded.name, status = excluded.status, revoked_at = excluded.revoked_at,
          revision = excluded.revision
        WHERE excluded.revision > api_keys.revision`),
      scan: this.db.prepare<[string, number], ApiKeyRow>('SELECT * FROM api_keys WHERE id > ? ORDER BY id LIMIT ?'),
      checkpoint: this.db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE projection = ?'),
      saveCheckpoint: this.db.prepare(`
        INSERT INTO checkpoints (projection, position) VALUES (?, ?)
        ON CONFLICT (projection) DO UPDATE SET position = excluded.position WHERE excluded.position > checkpoints.position`),
    };
    this.saveTx = this.db.transaction((views: readonly ApiKeyView[], checkpoint: number) => {
      for (const { rateLimit, ...view } of views) {
        this.statements.upsert.run({ ...view, rateLimitRequests: rateLimit.requests, rateLimitPerSeconds: rateLimit.perSeconds });
      }
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

  async scan(afterId: string | null, limit: number): Promise<ApiKeyView[]> {
    return this.statements.scan.all(afterId ?? '', limit).map(toView);
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
    rateLimit: { requests: row.rate_limit_requests, perSeconds: row.rate_limit_per_seconds },
    createdPosition: row.created_position,
    revision: row.revision,
  };
}
