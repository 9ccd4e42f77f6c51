import type { KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';
import type Database from 'better-sqlite3';
import type { KeyUsageSummary, KeyUsageSummaryEntry, KeyUsageView } from '../../usage/projection/key-usage-view.js';
import { addMissingColumns } from './added-columns.js';
import { SqliteViewTable } from './sqlite-view-table.js';

interface KeyUsageRow {
  key_id: string;
  account_id: string;
  accepted: number;
  rate_limited: number;
  refused: number;
  first_used_at: string;
  last_used_at: string;
  last_ip: string | null;
  last_user_agent: string | null;
  hourly: string;
  revision: number;
  counted_from: number;
  counted_before_gap: string | null;
  archive: string | null;
}

/**
 * Columns added since the table's first version, with what every view written before them holds: a read model
 * written by an earlier version gets them on open and stays right (no use was refused-and-recorded before).
 */
const ADDED_COLUMNS: Record<string, string> = {
  refused: 'INTEGER NOT NULL DEFAULT 0',
  // Views written before uses could be archived count every use of their stream.
  counted_from: 'INTEGER NOT NULL DEFAULT 0',
  counted_before_gap: 'TEXT',
  archive: 'TEXT',
};

/** Usage views in the embedded read-model file, beside the key views. */
export class SqliteKeyUsageReadModel extends SqliteViewTable<KeyUsageView, KeyUsageRow> implements KeyUsageReadModel {
  /** The summary statement for each number of ids asked, prepared once: a listing asks for its page size again and again. */
  private readonly summaryStatements = new Map<number, Database.Statement<string[], SummaryRow>>();

  constructor(file: string) {
    super(file, {
      table: 'key_usage',
      idColumn: 'key_id',
      projection: 'key-usage',
      schema: `
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
        )`,
      beforeStatements: (db) => addMissingColumns(db, 'key_usage', ADDED_COLUMNS),
      upsert: `
        INSERT INTO key_usage (key_id, account_id, accepted, rate_limited, refused, first_used_at, last_used_at, last_ip, last_user_agent, hourly, revision, counted_from, counted_before_gap, archive)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (key_id) DO UPDATE SET
          accepted = excluded.accepted, rate_limited = excluded.rate_limited, refused = excluded.refused, first_used_at = excluded.first_used_at,
          last_used_at = excluded.last_used_at, last_ip = excluded.last_ip, last_user_agent = excluded.last_user_agent,
          hourly = excluded.hourly, revision = excluded.revision, counted_from = excluded.counted_from,
          counted_before_gap = excluded.counted_before_gap, archive = excluded.archive
        WHERE excluded.revision > key_usage.revision`,
      // Positional: one upsert for every use of a key, and binding by name looks up each parameter on an object
      // made for it (~2.7 of ~14 µs an upsert in a /tmp measure of this table).
      toParameters: (view) => [
        view.keyId,
        view.accountId,
        view.accepted,
        view.rateLimited,
        view.refused,
        view.firstUsedAt,
        view.lastUsedAt,
        view.lastIp,
        view.lastUserAgent,
        JSON.stringify(view.hourly),
        view.revision,
        view.countedFrom ?? 0,
        view.countedBeforeGap ? JSON.stringify(view.countedBeforeGap) : null,
        view.archive ? JSON.stringify(view.archive) : null,
      ],
      toView,
    });
  }

  async summaries(ids: readonly string[]): Promise<Map<string, KeyUsageSummary>> {
    const found = new Map<string, KeyUsageSummary>();
    if (ids.length === 0) return found;
    // Positional rows of five columns: the hourly series, the widest column, is neither read nor parsed.
    for (const [keyId, accepted, rateLimited, refused, lastUsedAt] of this.summaryStatement(ids.length).all(...ids)) {
      found.set(keyId, { accepted, rateLimited, refused, lastUsedAt });
    }
    return found;
  }

  /** Page by page in key order, each page read whole: an open iterator would keep the connection busy between pages. */
  async *allSummaries(): AsyncIterable<KeyUsageSummaryEntry[]> {
    const page = this.db
      .prepare<[string, number], [string, number, number, number, string, number]>(
        'SELECT key_id, accepted, rate_limited, refused, last_used_at, revision FROM key_usage WHERE key_id > ? ORDER BY key_id LIMIT ?',
      )
      .raw(true);
    for (let after = ''; ; ) {
      const rows = page.all(after, SUMMARY_BATCH);
      yield rows.map(([keyId, accepted, rateLimited, refused, lastUsedAt, revision]) => ({ keyId, accepted, rateLimited, refused, lastUsedAt, revision }));
      if (rows.length < SUMMARY_BATCH) return;
      after = rows[rows.length - 1][0];
    }
  }

  private summaryStatement(count: number): Database.Statement<string[], SummaryRow> {
    let statement = this.summaryStatements.get(count);
    if (!statement) {
      if (this.summaryStatements.size >= MAX_CACHED_STATEMENTS) this.summaryStatements.clear();
      statement = this.db
        .prepare<string[], SummaryRow>(
          `SELECT key_id, accepted, rate_limited, refused, last_used_at FROM key_usage WHERE key_id IN (${Array.from({ length: count }, () => '?').join(',')})`,
        )
        .raw(true) as unknown as Database.Statement<string[], SummaryRow>;
      this.summaryStatements.set(count, statement);
    }
    return statement;
  }
}

type SummaryRow = [keyId: string, accepted: number, rateLimited: number, refused: number, lastUsedAt: string];
const MAX_CACHED_STATEMENTS = 16;
const SUMMARY_BATCH = 5000;

function toView(row: KeyUsageRow): KeyUsageView {
  return {
    keyId: row.key_id,
    accountId: row.account_id,
    accepted: row.accepted,
    rateLimited: row.rate_limited,
    refused: row.refused,
    firstUsedAt: row.first_used_at,
    lastUsedAt: row.last_used_at,
    lastIp: row.last_ip,
    lastUserAgent: row.last_user_agent,
    hourly: JSON.parse(row.hourly),
    revision: row.revision,
    countedFrom: row.counted_from,
    countedBeforeGap: row.counted_before_gap === null ? null : JSON.parse(row.counted_before_gap),
    archive: row.archive === null ? null : JSON.parse(row.archive),
  };
}
