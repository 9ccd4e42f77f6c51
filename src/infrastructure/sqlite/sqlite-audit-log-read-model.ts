import type Database from 'better-sqlite3';
import type { AuditEntryView } from '../../keys/projection/audit-entry.js';
import type { AuditLogQuery, AuditLogReadModel } from '../../keys/projection/audit-log-read-model.port.js';
import { SqliteViewTable } from './sqlite-view-table.js';

interface AuditRow {
  entry_id: string;
  account_id: string;
  key_id: string;
  type: string;
  actor_key_id: string | null;
  occurred_at: string;
  position: number;
  revision: number;
  event: string;
}

/** The filters a listing may combine, each a column compared with its parameter, in the order of the query's conditions. */
const FILTERS = [
  ['keyId', 'key_id = @keyId'],
  ['actorKeyId', 'actor_key_id = @actorKeyId'],
  ['type', 'type = @type'],
  ['occurredGte', 'occurred_at >= @occurredGte'],
  ['occurredLt', 'occurred_at < @occurredLt'],
] as const;

/** The account's audit log in the embedded read-model file. One index per equality filter, as the alerts listing has. */
export class SqliteAuditLogReadModel extends SqliteViewTable<AuditEntryView, AuditRow> implements AuditLogReadModel {
  /** One statement per combination of filters given (an `? IS NULL OR` form is served by no index), prepared when first asked. */
  private readonly listings = new Map<string, Database.Statement<Record<string, unknown>, AuditRow>>();

  constructor(file: string) {
    super(file, {
      table: 'audit_log',
      idColumn: 'entry_id',
      projection: 'audit-log',
      schema: `
        CREATE TABLE IF NOT EXISTS audit_log (
          entry_id TEXT PRIMARY KEY,
          account_id TEXT NOT NULL,
          key_id TEXT NOT NULL,
          type TEXT NOT NULL,
          actor_key_id TEXT,
          occurred_at TEXT NOT NULL,
          position INTEGER NOT NULL,
          revision INTEGER NOT NULL,
          event TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_log_listing ON audit_log (account_id, position DESC);
        CREATE INDEX IF NOT EXISTS audit_log_by_key ON audit_log (account_id, key_id, position DESC);
        CREATE INDEX IF NOT EXISTS audit_log_by_actor ON audit_log (account_id, actor_key_id, position DESC);
        CREATE INDEX IF NOT EXISTS audit_log_by_type ON audit_log (account_id, type, position DESC);`,
      // Written once: an entry seen again (a replay, a batch read twice) keeps the first.
      upsert: `
        INSERT INTO audit_log (entry_id, account_id, key_id, type, actor_key_id, occurred_at, position, revision, event)
        VALUES (@entryId, @accountId, @keyId, @type, @actorKeyId, @occurredAt, @position, @revision, @event)
        ON CONFLICT (entry_id) DO NOTHING`,
      toParameters: (view) => ({ ...view, event: JSON.stringify(view.event) }),
      toView,
    });
  }

  async list(accountId: string, query: AuditLogQuery): Promise<{ views: AuditEntryView[]; hasMore: boolean }> {
    const given = FILTERS.filter(([name]) => query[name] !== undefined);
    const bound: Record<string, unknown> = { account: accountId, before: query.beforePosition ?? Number.MAX_SAFE_INTEGER, limit: query.limit + 1 };
    for (const [name] of given) bound[name] = query[name];
    const rows = this.listing(given.map(([, condition]) => condition)).all(bound);
    return { views: rows.slice(0, query.limit).map(toView), hasMore: rows.length > query.limit };
  }

  async findById(accountId: string, entryId: string): Promise<AuditEntryView | null> {
    const row = this.db.prepare<[string, string], AuditRow>('SELECT * FROM audit_log WHERE account_id = ? AND entry_id = ?').get(accountId, entryId);
    return row ? toView(row) : null;
  }

  private listing(conditions: readonly string[]): Database.Statement<Record<string, unknown>, AuditRow> {
    const key = conditions.join(' AND ');
    let statement = this.listings.get(key);
    if (!statement) {
      const where = ['account_id = @account', ...conditions, 'position < @before'].join(' AND ');
      statement = this.db.prepare<Record<string, unknown>, AuditRow>(`SELECT * FROM audit_log WHERE ${where} ORDER BY position DESC LIMIT @limit`);
      this.listings.set(key, statement);
    }
    return statement;
  }
}

function toView(row: AuditRow): AuditEntryView {
  return {
    entryId: row.entry_id,
    accountId: row.account_id,
    keyId: row.key_id,
    type: row.type,
    actorKeyId: row.actor_key_id,
    occurredAt: row.occurred_at,
    position: row.position,
    revision: row.revision,
    event: JSON.parse(row.event),
  };
}
