import type { AlertListQuery, AlertReadModel } from '../../anomalies/projection/alert-read-model.port.js';
import type { AlertView } from '../../anomalies/projection/alert-view.js';
import { ALERT_LISTING_INDEXES, type AlertListingParameters, prepareAlertListing } from './alert-listing-statements.js';
import { SqliteViewTable } from './sqlite-view-table.js';

interface AlertRow {
  alert_id: string;
  rule: AlertView['rule'];
  key_id: string | null;
  account_id: string | null;
  ip: string | null;
  evidence: string;
  window_start: string;
  window_end: string;
  detected_at: string;
  position: number;
  revision: number;
}

/** The alerts view in the embedded read-model file. */
export class SqliteAlertReadModel extends SqliteViewTable<AlertView, AlertRow> implements AlertReadModel {
  private readonly listing: (parameters: AlertListingParameters) => AlertRow[];

  constructor(file: string) {
    super(file, {
      table: 'alerts',
      idColumn: 'alert_id',
      projection: 'alerts',
      schema: `
        CREATE TABLE IF NOT EXISTS alerts (
          alert_id TEXT PRIMARY KEY,
          rule TEXT NOT NULL,
          key_id TEXT,
          account_id TEXT,
          ip TEXT,
          evidence TEXT NOT NULL,
          window_start TEXT NOT NULL,
          window_end TEXT NOT NULL,
          detected_at TEXT NOT NULL,
          position INTEGER NOT NULL,
          revision INTEGER NOT NULL
        );
        ${ALERT_LISTING_INDEXES}`,
      upsert: `
        INSERT INTO alerts (alert_id, rule, key_id, account_id, ip, evidence, window_start, window_end, detected_at, position, revision)
        VALUES (@alertId, @rule, @keyId, @accountId, @ip, @evidence, @windowStart, @windowEnd, @detectedAt, @position, @revision)
        ON CONFLICT (alert_id) DO UPDATE SET
          rule = excluded.rule, key_id = excluded.key_id, account_id = excluded.account_id, ip = excluded.ip,
          evidence = excluded.evidence, window_start = excluded.window_start, window_end = excluded.window_end,
          detected_at = excluded.detected_at, position = excluded.position, revision = excluded.revision
        WHERE excluded.revision > alerts.revision`,
      toParameters: (view) => ({ ...view, evidence: JSON.stringify(view.evidence) }),
      toView,
    });
    this.listing = prepareAlertListing<AlertRow>(this.db);
  }

  async list(accountId: string, query: AlertListQuery): Promise<{ views: AlertView[]; hasMore: boolean }> {
    const rows = this.listing({
      account: accountId,
      before: query.beforePosition ?? Number.MAX_SAFE_INTEGER,
      keyId: query.keyId ?? null,
      rule: query.rule ?? null,
      limit: query.limit + 1,
    });
    return { views: rows.slice(0, query.limit).map(toView), hasMore: rows.length > query.limit };
  }

  async findById(accountId: string, alertId: string): Promise<AlertView | null> {
    const row = this.db.prepare<[string, string], AlertRow>('SELECT * FROM alerts WHERE account_id = ? AND alert_id = ?').get(accountId, alertId);
    return row ? toView(row) : null;
  }
}

function toView(row: AlertRow): AlertView {
  return {
    alertId: row.alert_id,
    rule: row.rule,
    keyId: row.key_id,
    accountId: row.account_id,
    ip: row.ip,
    evidence: JSON.parse(row.evidence),
    windowStart: row.window_start,
    windowEnd: row.window_end,
    detectedAt: row.detected_at,
    position: row.position,
    revision: row.revision,
  };
}
