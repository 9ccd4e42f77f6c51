import type Database from 'better-sqlite3';
import type { ApiKeyListQuery, ApiKeyPage, ApiKeyReadModel } from '../../keys/projection/api-key-read-model.port.js';
import type { ApiKeyView } from '../../keys/projection/api-key-view.js';
import { SqliteViewTable } from './sqlite-view-table.js';

interface ApiKeyRow {
  id: string;
  account_id: string;
  name: string | null;
  prefix: string;
  secret_hash: string;
  status: 'active' | 'revoked';
  rate_limit_requests: number;
  rate_limit_per_seconds: number;
  created_at: string;
  revoked_at: string | null;
  created_position: number;
  revision: number;
}

/** The embedded key views: in their own file with the usage views, so both can be deleted and rebuilt from the log. */
export class SqliteApiKeyReadModel extends SqliteViewTable<ApiKeyView, ApiKeyRow> implements ApiKeyReadModel {
  private readonly queries: {
    byId: Database.Statement<[string, string], ApiKeyRow>;
    list: Database.Statement<[string, number, number], ListedRow>;
    scan: Database.Statement<[string, number], ApiKeyRow>;
  };

  constructor(file: string) {
    super(file, {
      table: 'api_keys',
      idColumn: 'id',
      projection: 'api-keys',
      schema: `
        CREATE TABLE IF NOT EXISTS api_keys (
          id TEXT PRIMARY KEY,
          account_id TEXT NOT NULL,
          name TEXT,
          prefix TEXT NOT NULL,
          secret_hash TEXT NOT NULL UNIQUE,
          status TEXT NOT NULL,
          rate_limit_requests INTEGER NOT NULL,
          rate_limit_per_seconds INTEGER NOT NULL,
          created_at TEXT NOT NULL,
          revoked_at TEXT,
          created_position INTEGER NOT NULL,
          revision INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS api_keys_listing ON api_keys (account_id, created_position DESC);`,
      upsert: `
        INSERT INTO api_keys (id, account_id, name, prefix, secret_hash, status, rate_limit_requests, rate_limit_per_seconds,
                              created_at, revoked_at, created_position, revision)
        VALUES (@id, @accountId, @name, @prefix, @secretHash, @status, @rateLimitRequests, @rateLimitPerSeconds,
                @createdAt, @revokedAt, @createdPosition, @revision)
        ON CONFLICT (id) DO UPDATE SET
          name = excluded.name, status = excluded.status, revoked_at = excluded.revoked_at, revision = excluded.revision
        WHERE excluded.revision > api_keys.revision`,
      toParameters: ({ rateLimit, ...view }) => ({
        ...view,
        rateLimitRequests: rateLimit.requests,
        rateLimitPerSeconds: rateLimit.perSeconds,
      }),
      toView,
    });
    this.queries = {
      byId: this.db.prepare('SELECT * FROM api_keys WHERE account_id = ? AND id = ?'),
      // Positional rows: a page is read column by column into its views, without an object per row to build first.
      list: this.db
        .prepare<[string, number, number], ListedRow>(
          `SELECT ${LISTED_COLUMNS} FROM api_keys WHERE account_id = ? AND created_position < ? ORDER BY created_position DESC LIMIT ?`,
        )
        .raw(true) as unknown as Database.Statement<[string, number, number], ListedRow>,
      scan: this.db.prepare('SELECT * FROM api_keys WHERE id > ? ORDER BY id LIMIT ?'),
    };
  }

  async findById(accountId: string, id: string): Promise<ApiKeyView | null> {
    const row = this.queries.byId.get(accountId, id);
    return row ? toView(row) : null;
  }

  async list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    const rows = this.queries.list.all(accountId, query.beforePosition ?? Number.MAX_SAFE_INTEGER, query.limit + 1);
    const views: ApiKeyView[] = [];
    for (let i = 0; i < rows.length && i < query.limit; i++) views.push(listedView(rows[i]));
    return { views, hasMore: rows.length > query.limit };
  }

  async scan(afterId: string | null, limit: number): Promise<ApiKeyView[]> {
    return this.queries.scan.all(afterId ?? '', limit).map(toView);
  }
}

const LISTED_COLUMNS =
  'id, account_id, name, prefix, secret_hash, status, rate_limit_requests, rate_limit_per_seconds, created_at, revoked_at, created_position, revision';
type ListedRow = [
  id: string,
  accountId: string,
  name: string | null,
  prefix: string,
  secretHash: string,
  status: 'active' | 'revoked',
  rateLimitRequests: number,
  rateLimitPerSeconds: number,
  createdAt: string,
  revokedAt: string | null,
  createdPosition: number,
  revision: number,
];

function listedView(row: ListedRow): ApiKeyView {
  const [id, accountId, name, prefix, secretHash, status, requests, perSeconds, createdAt, revokedAt, createdPosition, revision] = row;
  return { id, accountId, name, prefix, secretHash, status, rateLimit: { requests, perSeconds }, createdAt, revokedAt, createdPosition, revision };
}

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    prefix: row.prefix,
    secretHash: row.secret_hash,
    status: row.status,
    rateLimit: { requests: row.rate_limit_requests, perSeconds: row.rate_limit_per_seconds },
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    createdPosition: row.created_position,
    revision: row.revision,
  };
}
