import type Database from 'better-sqlite3';
import type { ApiKeyListAllQuery, ApiKeyListQuery, ApiKeyPage, ApiKeyReadModel } from '../../keys/projection/api-key-read-model.port.js';
import type { ApiKeyView, KeyStatus, StoredKeyStatus } from '../../keys/projection/api-key-view.js';
import { addMissingColumns } from './added-columns.js';
import { foldKeyName } from '../../keys/projection/key-search.js';
import { pagesInOrder } from '../../keys/projection/pages-in-order.js';
import { addKeySearchIndexes, keySearchClause, keySearchParameters } from './sqlite-key-search.js';
import { SqliteViewTable } from './sqlite-view-table.js';

interface ApiKeyRow {
  id: string;
  account_id: string;
  name: string | null;
  prefix: string;
  secret_hash: string;
  status: StoredKeyStatus;
  rate_limit_requests: number;
  rate_limit_per_seconds: number;
  created_at: string;
  revoked_at: string | null;
  permissions: string;
  allowed_ips: string;
  expires_at: string | null;
  disabled: number;
  expired_at: string | null;
  ends_at: string | null;
  rolled_from_key_id: string | null;
  rotation: string | null;
  created_position: number;
  revision: number;
  unreadable_since: number | null;
}

/**
 * Columns added since the first versions (rate limits, then key policies: permissions, addresses, expiry, rolls), with the values every key created
 * before them has: a read model written by an earlier version gets them on open, and stays right.
 */
const ADDED_COLUMNS: Record<string, string> = {
  // Added with rate limits (the first versions had none): the limit the codec gives their keys (RATE_LIMIT_OF_KEYS_BEFORE_LIMITS).
  rate_limit_requests: 'INTEGER NOT NULL DEFAULT 1000',
  rate_limit_per_seconds: 'INTEGER NOT NULL DEFAULT 60',
  permissions: `TEXT NOT NULL DEFAULT '["*"]'`,
  allowed_ips: `TEXT NOT NULL DEFAULT '[]'`,
  expires_at: 'TEXT',
  disabled: 'INTEGER NOT NULL DEFAULT 0',
  expired_at: 'TEXT',
  ends_at: 'TEXT',
  rolled_from_key_id: 'TEXT',
  rotation: 'TEXT',
  // Added with the refusal of keys changed by a newer version (api-key-view.ts).
  unreadable_since: 'INTEGER',
  // Added with the key search: foldKeyName(name), filled in on open for the views written before it (sqlite-key-search.ts).
  name_folded: 'TEXT',
};

/** The status filter at a given `now` (ISO text compares as time): see keyStatusAt. */
const STATUS_FILTER: Record<KeyStatus, string> = {
  revoked: `status = 'revoked'`,
  expired: `(status = 'expired' OR (status IN ('active', 'disabled') AND ends_at IS NOT NULL AND ends_at <= @now))`,
  disabled: `(status = 'disabled' AND (ends_at IS NULL OR ends_at > @now))`,
  active: `(status = 'active' AND (ends_at IS NULL OR ends_at > @now))`,
};

/** The embedded key views: in their own file with the usage views, so both can be deleted and rebuilt from the log. */
export class SqliteApiKeyReadModel extends SqliteViewTable<ApiKeyView, ApiKeyRow> implements ApiKeyReadModel {
  private readonly queries: {
    byId: Database.Statement<[string, string], ApiKeyRow>;
    list: Database.Statement<{ account: string; before: number; limit: number }, ListedRow>;
    listByStatus: Record<KeyStatus, Database.Statement<{ account: string; before: number; limit: number; now: string }, ListedRow>>;
    scan: Database.Statement<[string, number], ApiKeyRow>;
    holdsAccount: Database.Statement<[string], number>;
  };
  private readonly searches = new Map<string, Database.Statement<object, ListedRow>>();
  private readonly searchListing: (status: KeyStatus | undefined, clause: { indexedBy: string; condition: string }) => Database.Statement<object, ListedRow>;

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
      beforeStatements: (db) => {
        addMissingColumns(db, 'api_keys', ADDED_COLUMNS);
        addKeySearchIndexes(db);
      },
      upsert: `
        INSERT INTO api_keys (id, account_id, name, prefix, secret_hash, status, rate_limit_requests, rate_limit_per_seconds,
                              created_at, revoked_at, permissions, allowed_ips, expires_at, disabled, expired_at, ends_at,
                              rolled_from_key_id, rotation, created_position, revision, unreadable_since, name_folded)
        VALUES (@id, @accountId, @name, @prefix, @secretHash, @status, @rateLimitRequests, @rateLimitPerSeconds,
                @createdAt, @revokedAt, @permissions, @allowedIps, @expiresAt, @disabled, @expiredAt, @endsAt,
                @rolledFromKeyId, @rotation, @createdPosition, @revision, @unreadableSince, @nameFolded)
        ON CONFLICT (id) DO UPDATE SET
          name = excluded.name, name_folded = excluded.name_folded, prefix = excluded.prefix, secret_hash = excluded.secret_hash, status = excluded.status, revoked_at = excluded.revoked_at,
          rate_limit_requests = excluded.rate_limit_requests, rate_limit_per_seconds = excluded.rate_limit_per_seconds,
          permissions = excluded.permissions, allowed_ips = excluded.allowed_ips, expires_at = excluded.expires_at,
          disabled = excluded.disabled, expired_at = excluded.expired_at, ends_at = excluded.ends_at,
          rotation = excluded.rotation, revision = excluded.revision, unreadable_since = excluded.unreadable_since
        WHERE excluded.revision > api_keys.revision`,
      toParameters: ({ rateLimit, permissions, allowedIps, disabled, rotation, ...view }) => ({
        ...view,
        rateLimitRequests: rateLimit.requests,
        rateLimitPerSeconds: rateLimit.perSeconds,
        permissions: JSON.stringify(permissions),
        allowedIps: JSON.stringify(allowedIps),
        disabled: disabled ? 1 : 0,
        rotation: rotation === null ? null : JSON.stringify(rotation),
        nameFolded: view.name === null ? null : foldKeyName(view.name),
      }),
      toView,
    });
    // Positional rows: a page is read column by column into its views, without an object per row to build first.
    const listing = <P extends object>(filter: string, indexedBy = '') =>
      this.db
        .prepare<P, ListedRow>(
          `SELECT ${LISTED_COLUMNS} FROM api_keys${indexedBy} WHERE account_id = @account AND created_position < @before AND ${filter} ORDER BY created_position DESC LIMIT @limit`,
        )
        .raw(true) as unknown as Database.Statement<P, ListedRow>;
    this.searchListing = (status, clause) =>
      listing(`${clause.condition}${status === undefined ? '' : ` AND ${STATUS_FILTER[status]}`}`, ` INDEXED BY ${clause.indexedBy}`);
    this.queries = {
      byId: this.db.prepare('SELECT * FROM api_keys WHERE account_id = ? AND id = ?'),
      list: listing('1 = 1'),
      listByStatus: Object.fromEntries(Object.entries(STATUS_FILTER).map(([status, filter]) => [status, listing(filter)])) as SqliteApiKeyReadModel['queries']['listByStatus'],
      scan: this.db.prepare('SELECT * FROM api_keys WHERE id > ? ORDER BY id LIMIT ?'),
      holdsAccount: this.db.prepare<[string], number>('SELECT 1 FROM api_keys WHERE account_id = ? LIMIT 1').pluck(true),
    };
  }

  async findById(accountId: string, id: string): Promise<ApiKeyView | null> {
    const row = this.queries.byId.get(accountId, id);
    return row ? toView(row) : null;
  }

  async list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    const parameters = { account: accountId, before: query.beforePosition ?? Number.MAX_SAFE_INTEGER, limit: query.limit + 1 };
    const search = keySearchClause(query);
    const rows =
      search !== null
        ? this.searchStatement(query.status, search).all({ ...parameters, ...keySearchParameters(query), ...(query.status === undefined ? {} : { now: query.now ?? new Date().toISOString() }) })
        : query.status === undefined
          ? this.queries.list.all(parameters)
          : this.queries.listByStatus[query.status].all({ ...parameters, now: query.now ?? new Date().toISOString() });
    const views: ApiKeyView[] = [];
    for (let i = 0; i < rows.length && i < query.limit; i++) views.push(listedView(rows[i]));
    return { views, hasMore: rows.length > query.limit };
  }

  /** A search's statement, prepared on its first use: a status (or none) by the search's condition. */
  private searchStatement(status: KeyStatus | undefined, clause: { indexedBy: string; condition: string }): Database.Statement<object, ListedRow> {
    const key = `${status ?? ''}|${clause.indexedBy}|${clause.condition}`;
    let statement = this.searches.get(key);
    if (statement === undefined) this.searches.set(key, (statement = this.searchListing(status, clause)));
    return statement;
  }

  /** Pages of LIST_ALL_PAGE down the account's index, each read whole (as allViews: no iterator held open between them). */
  listAll(accountId: string, query: ApiKeyListAllQuery): AsyncIterable<ApiKeyView[]> {
    return pagesInOrder((account, page) => this.list(account, page), accountId, query, LIST_ALL_PAGE);
  }

  async holdsAccount(accountId: string): Promise<boolean> {
    return this.queries.holdsAccount.get(accountId) !== undefined;
  }

  /** Page by page in id order, each page read whole: an open iterator would keep the connection busy between pages. */
  async *allViews(): AsyncIterable<ApiKeyView[]> {
    for (let after = ''; ; ) {
      const rows = this.queries.scan.all(after, LOAD_PAGE);
      yield rows.map(toView);
      if (rows.length < LOAD_PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }
}

/** Views per page of allViews: the key table's load at start. */
const LOAD_PAGE = 5000;

/** Keys per page of listAll: 500 listed views read at once, as the MongoDB adapter's batches. */
const LIST_ALL_PAGE = 500;

const LISTED_COLUMNS =
  'id, account_id, name, prefix, secret_hash, status, rate_limit_requests, rate_limit_per_seconds, created_at, revoked_at, ' +
  'permissions, allowed_ips, expires_at, disabled, expired_at, ends_at, rolled_from_key_id, rotation, created_position, revision, unreadable_since';
type ListedRow = [
  id: string,
  accountId: string,
  name: string | null,
  prefix: string,
  secretHash: string,
  status: StoredKeyStatus,
  rateLimitRequests: number,
  rateLimitPerSeconds: number,
  createdAt: string,
  revokedAt: string | null,
  permissions: string,
  allowedIps: string,
  expiresAt: string | null,
  disabled: number,
  expiredAt: string | null,
  endsAt: string | null,
  rolledFromKeyId: string | null,
  rotation: string | null,
  createdPosition: number,
  revision: number,
  unreadableSince: number | null,
];

function listedView(row: ListedRow): ApiKeyView {
  const [id, accountId, name, prefix, secretHash, status, requests, perSeconds, createdAt, revokedAt] = row;
  const [permissions, allowedIps, expiresAt, disabled, expiredAt, endsAt, rolledFromKeyId, rotation, createdPosition, revision, unreadableSince] = row.slice(10) as [
    string, string, string | null, number, string | null, string | null, string | null, string | null, number, number, number | null,
  ];
  return {
    id,
    accountId,
    name,
    prefix,
    secretHash,
    status,
    rateLimit: { requests, perSeconds },
    createdAt,
    revokedAt,
    permissions: JSON.parse(permissions) as string[],
    allowedIps: JSON.parse(allowedIps) as string[],
    expiresAt,
    disabled: disabled === 1,
    expiredAt,
    endsAt,
    rolledFromKeyId,
    rotation: rotation === null ? null : JSON.parse(rotation),
    createdPosition,
    revision,
    unreadableSince,
  };
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
    permissions: JSON.parse(row.permissions) as string[],
    allowedIps: JSON.parse(row.allowed_ips) as string[],
    expiresAt: row.expires_at,
    disabled: row.disabled === 1,
    expiredAt: row.expired_at,
    endsAt: row.ends_at,
    rolledFromKeyId: row.rolled_from_key_id,
    rotation: row.rotation === null ? null : JSON.parse(row.rotation),
    createdPosition: row.created_position,
    revision: row.revision,
    unreadableSince: row.unreadable_since,
  };
}
