import type Database from 'better-sqlite3';
import type { UnknownTypesIn } from '../../shared/event-store/event-store.port.js';

/**
 * A row as read, in EVENT_COLUMNS' order: rows are read as arrays (better-sqlite3's raw mode), since building
 * an object per row first cost ~2.7 µs of the ~6.4 µs a usage row took to read (measured here).
 */
export type EventRow = [
  position: number,
  eventId: string,
  streamId: string,
  revision: number,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  recordedAt: string,
];
export const EVENT_COLUMNS = 'position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at';

/** The reads of one type's positions: (type, after, limit). Exported for the test that checks SQLite's plan for it. */
export const POSITIONS_OF_ONE_TYPE =
  'SELECT position FROM events INDEXED BY events_by_type WHERE type = ? AND position > ? ORDER BY position LIMIT ?';

/**
 * Positions in a span of the log read as one range of rows when at least this share of the span is wanted:
 * the log's rows in position order cost ~2.2 µs each to read, rows picked by position ~4.8 (measured here,
 * usage rows).
 */
const DENSE_SHARE = 0.5;

/**
 * Reads of the log filtered by type, in two steps: the positions, through the (type, position) index alone, so
 * that a reader of rare events (key changes, alerts) does not walk the uses between them (walking them cost the
 * request thread ~2 µs a use, partly in reads of WAL pages); then the rows at those positions that the caller
 * has not decoded already. One query per type, each in position order and limited: a single `type IN (…)`
 * query through the index would sort every remaining match for each batch, which makes a catch-up over a long
 * log quadratic; one query per type, limited, does not.
 */
export class EventReadsByType {
  private readonly positionsOfType: Database.Statement<[string, number, number], number>;
  private readonly rowsAt: Database.Statement<[string], EventRow>;
  private readonly rowsBetween: Database.Statement<[number, number], EventRow>;
  private readonly countOfType: Database.Statement<[string, number, number], number>;
  private readonly typeAfter: Database.Statement<[string], string>;
  private readonly positionsOfTypeIn: Database.Statement<[string, number, number, number, string, number], number>;
  private readonly countOfTypeIn: Database.Statement<[string, number, number, number, string, number], number>;

  constructor(db: Database.Database) {
    this.positionsOfType = db.prepare<[string, number, number], number>(POSITIONS_OF_ONE_TYPE).pluck(true);
    this.rowsAt = db
      .prepare<[string], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position`)
      .raw(true);
    this.rowsBetween = db
      .prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position BETWEEN ? AND ? ORDER BY position`)
      .raw(true);
    this.countOfType = db
      .prepare<[string, number, number], number>(
        'SELECT COUNT(*) FROM (SELECT 1 FROM events INDEXED BY events_by_type WHERE type = ? AND position > ? LIMIT ?)',
      )
      .pluck(true);
    this.typeAfter = db.prepare<[string], string>('SELECT type FROM events INDEXED BY events_by_type WHERE type > ? ORDER BY type LIMIT 1').pluck(true);
    const ofTypeIn = 'FROM events INDEXED BY events_by_type WHERE type = ? AND position > ? AND position <= ? AND substr(stream_id, 1, ?) = ?';
    this.positionsOfTypeIn = db.prepare<[string, number, number, number, string, number], number>(`SELECT position ${ofTypeIn} ORDER BY position LIMIT ?`).pluck(true);
    this.countOfTypeIn = db.prepare<[string, number, number, number, string, number], number>(`SELECT COUNT(*) FROM (SELECT 1 ${ofTypeIn} LIMIT ?)`).pluck(true);
  }

  /**
   * The positions of the first `limit` events after position `after` whose type is one of `types`, or is unknown in
   * the streams `unknownTypesIn` names, in log order. An unknown type's rows are walked for their stream only up to
   * where the known types' batch ends: each once in a catch-up, however many batches (a newer version's numerous
   * uses, in their own streams, would otherwise be walked again at every batch).
   */
  positions(after: number, types: readonly string[], limit: number, unknownTypesIn?: UnknownTypesIn): number[] {
    const distinct = [...new Set(types)];
    if (limit <= 0) return [];
    let positions = distinct.length === 1 ? this.positionsOfType.all(distinct[0], after, limit) : distinct.flatMap((type) => this.positionsOfType.all(type, after, limit));
    if (distinct.length > 1) positions = positions.sort((a, b) => a - b).slice(0, limit);
    if (!unknownTypesIn) return positions;
    const unknown = this.unknownTypes(unknownTypesIn.knownTypes, distinct);
    if (unknown.length === 0) return positions;
    const upTo = positions.length === limit ? positions[limit - 1] : Number.MAX_SAFE_INTEGER;
    const { streamPrefix } = unknownTypesIn;
    for (const type of unknown) positions.push(...this.positionsOfTypeIn.all(type, after, upTo, streamPrefix.length, streamPrefix, limit));
    positions.sort((a, b) => a - b);
    return positions.slice(0, limit);
  }

  /** How many events after position `after` positions() would read, counted up to `limit` from the index (and, for unknown types, their rows' streams). */
  count(after: number, types: readonly string[], limit: number, unknownTypesIn?: UnknownTypesIn): number {
    let count = 0;
    const distinct = [...new Set(types)];
    for (const type of distinct) {
      if (count >= limit) break;
      count += this.countOfType.get(type, after, limit - count)!;
    }
    if (!unknownTypesIn) return count;
    for (const type of this.unknownTypes(unknownTypesIn.knownTypes, distinct)) {
      if (count >= limit) break;
      count += this.countOfTypeIn.get(type, after, Number.MAX_SAFE_INTEGER, unknownTypesIn.streamPrefix.length, unknownTypesIn.streamPrefix, limit - count)!;
    }
    return count;
  }

  /**
   * The types in the log that are neither known nor read already: one step of the index per type the log holds
   * (a dozen), not per event, so a reader asks at every batch. Rows of an unknown type are then read only for
   * their stream, and the numerous known ones (uses) never.
   */
  private unknownTypes(known: readonly string[], read: readonly string[]): string[] {
    const unknown: string[] = [];
    for (let type = this.typeAfter.get(''); type !== undefined; type = this.typeAfter.get(type)) {
      if (!known.includes(type) && !read.includes(type)) unknown.push(type);
    }
    return unknown;
  }

  /** The rows at `positions` (ascending, each in the log), in log order. */
  rows(positions: readonly number[]): EventRow[] {
    if (positions.length === 0) return [];
    const first = positions[0];
    const last = positions[positions.length - 1];
    if (positions.length < (last - first + 1) * DENSE_SHARE) return this.rowsAt.all(JSON.stringify(positions));
    const span = this.rowsBetween.all(first, last);
    if (span.length === positions.length) return span;
    const wanted: EventRow[] = [];
    let next = 0;
    for (const row of span) {
      if (row[0] !== positions[next]) continue;
      wanted.push(row);
      next++;
    }
    return wanted;
  }
}
