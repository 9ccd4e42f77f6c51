import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { refuseLogOfNewerVersion } from './log-readers.js';
import { isCorruptDatabase } from './sqlite-error-codes.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';

/** What a log file holds, for the operator to see which log went where. */
export interface EventLogSummary {
  events: number;
  /** The last event's position, null for an empty log. */
  position: number | null;
  /** The id of its first KeyCreated event (the log's identity, log-identity.ts), null while it holds no key. */
  identity: string | null;
}

/**
 * Checks a backup before it replaces the log: a database SQLite finds whole (integrity_check reads every page, so a
 * copy torn or damaged anywhere is refused now rather than at the first read of that page), holding an event log
 * this version can read.
 */
export function checkEventLogBackup(file: string): EventLogSummary {
  if (!existsSync(file)) throw new Error(`${file} does not exist: name the backup to restore`);
  if (!statSync(file).isFile()) throw new Error(`${file} is not a file: name the backup to restore`);
  if (statSync(file).size === 0) throw new Error(`${file} is empty (0 bytes): an incomplete copy, not a backup; nothing was changed`);
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problems = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    if (problems.length !== 1 || problems[0].integrity_check !== 'ok') {
      throw new DamagedEventLogCopy(file, problems.slice(0, 3).map((row) => row.integrity_check).join('; '));
    }
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() === undefined) {
      throw new Error(`${file} holds no event log (no events table): name a copy that backup wrote; nothing was changed`);
    }
    refuseLogOfNewerVersion(db, file);
    refuseTriggersAndViews(db, file);
    refuseEventsNotJson(db, file);
    return summarize(db);
  } catch (error) {
    if (!isCorruptDatabase(error)) throw error;
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new Error(`${file} is not a database (${(error as Error).message}): name a copy that backup wrote; nothing was changed`, { cause: error });
    }
    throw new DamagedEventLogCopy(file, (error as Error).message);
  } finally {
    db?.close();
  }
}

/**
 * The log never holds a trigger or a view (no version wrote one), and a trigger runs inside every append: a backup
 * holding one would change the log it is restored as, the events included. Until 2026-12-07 a backup with
 * `AFTER INSERT ON events WHEN NEW.type = 'KeyRevoked' BEGIN DELETE ...` was restored (exit 0), and each revoke after
 * it answered success while the key stayed active, its KeyRevoked gone from the log.
 */
function refuseTriggersAndViews(db: Database.Database, file: string): void {
  const found = db
    .prepare<[], { type: string; name: string }>("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY type, name LIMIT 4")
    .all();
  if (found.length === 0) return;
  const named = firstThree(found.map(({ type, name }) => `${type} ${JSON.stringify(name)}`));
  throw new Error(`${file} holds what no backup holds (${named}): not a copy backup wrote; nothing was changed`);
}

/**
 * integrity_check reads the b-trees, not what their cells hold: a byte gone bad inside an event's JSON (most of a log's
 * bytes are) passes it, and a service started on the copy fails to read that event for ever (the anomaly detector
 * stopped at it, retrying, while the instance answered ready). Every event is read back as JSON here: one pass, as
 * long as integrity_check's.
 */
function refuseEventsNotJson(db: Database.Database, file: string): void {
  const positions = db
    .prepare<[], number>('SELECT position FROM events WHERE json_valid(data) = 0 OR json_valid(metadata) = 0 ORDER BY position LIMIT 4')
    .pluck()
    .all();
  if (positions.length === 0) return;
  const which =
    positions.length === 1 ? `the event at position ${positions[0]} is` : `the events at positions ${firstThree(positions.map(String))} are`;
  throw new DamagedEventLogCopy(file, `${which} not JSON`, 'changed since written');
}

/** The first three of what a query asked four of, and "and more" when there was a fourth. */
function firstThree(found: string[]): string {
  return `${found.slice(0, 3).join(', ')}${found.length > 3 ? ' and more' : ''}`;
}

/**
 * A copy of the log that checkEventLogBackup refuses as damaged: `found` says where (the positions of events not JSON,
 * or integrity_check's first lines), so that backup, which checks its own copy the same way, can say it of the live log.
 */
export class DamagedEventLogCopy extends Error {
  constructor(
    readonly file: string,
    readonly found: string,
    reason?: string,
  ) {
    super(`${file} is damaged (${found}${reason ? `: ${reason}` : ''}): it cannot be restored; nothing was changed`);
    this.name = 'DamagedEventLogCopy';
  }
}

/** A log's summary, read in one transaction. */
export function summarize(db: Database.Database): EventLogSummary {
  return db.transaction(() => {
    const { events, position } = db.prepare<[], { events: number; position: number | null }>('SELECT COUNT(*) AS events, MAX(position) AS position FROM events').get()!;
    const first = db.prepare<[], { event_id: string }>("SELECT event_id FROM events WHERE type = 'KeyCreated' ORDER BY position LIMIT 1").get();
    return { events, position, identity: first?.event_id ?? null };
  })();
}

/** The last position a log gave: its last event's, or past it where archive-usage removed its last events. */
export function lastPositionGiven(db: Database.Database, summary: EventLogSummary): number {
  const given = db.prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck(true).get();
  return Math.max(summary.position ?? 0, given ?? 0);
}

/** What the held log holds, or null when it has no events table or the damage is where the summary reads. */
function readableSummary(db: Database.Database): { summary: EventLogSummary; lastGiven: number } | null {
  try {
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() === undefined) return null;
    const summary = summarize(db);
    return { summary, lastGiven: lastPositionGiven(db, summary) };
  } catch (error) {
    if (isCorruptDatabase(error)) return null;
    db.close();
    throw error;
  }
}

/**
 * The copy about to replace a log that gave positions past the copy's end: its next event is given the position after
 * the replaced log's last, and the positions in between are recorded as the replaced log's (replaced_positions). A
 * read model kept elsewhere (MongoDB, the webhook's position) whose checkpoint is among them was taken on the replaced
 * log: until 2026-12-06 the check at start only saw a checkpoint past the log's end, so events appended after the
 * restore (a create-key before the start) took those positions again, and the views kept the replaced log's keys and
 * skipped the new events.
 */
export function keepPositionsOfReplacedLog(copy: string, replacedLastGiven: number): void {
  const db = new Database(copy, { fileMustExist: true });
  try {
    db.transaction(() => {
      const restoredLastGiven = lastPositionGiven(db, summarize(db));
      if (replacedLastGiven <= restoredLastGiven) return;
      db.exec('CREATE TABLE IF NOT EXISTS replaced_positions (after INTEGER NOT NULL, through INTEGER NOT NULL)');
      db.prepare('INSERT INTO replaced_positions (after, through) VALUES (?, ?)').run(restoredLastGiven, replacedLastGiven);
      // AUTOINCREMENT gives the position after sqlite_sequence's: its row exists once the log has given one.
      if (db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'events'").run(replacedLastGiven).changes === 0) {
        db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)").run(replacedLastGiven);
      }
    })();
  } finally {
    db.close();
  }
}

/**
 * The log in place, held so that no other process uses it while it is replaced. SQLite grants the exclusive lock only
 * when no other connection has the file open: a running service or CLI command holds it (in WAL mode, for as long as
 * it is open, even idle), so it is refused at once (no busy wait), and nothing is changed. Its journal is switched to
 * DELETE, which writes what its WAL holds into it (a WAL left by a crash included) and removes -wal and -shm: the
 * file set aside is then a whole log by itself.
 */
export interface HeldEventLog {
  /** What the log held; null when SQLite could not read it (no database, or one too damaged to summarize). */
  summary: EventLogSummary | null;
  /** The last position it gave (lastPositionGiven); null with the summary. */
  lastGiven: number | null;
  /** Moves the log (with its -wal, when it could not be folded) to `aside`, still held: the caller puts the copy in place, then releases. */
  setAside(aside: string): string[];
  /** Lets the hold go; a log not set aside is left in WAL mode, its events as they were. */
  release(): void;
}

/** Temporary (the CLI's 75, try again later): the restore succeeds once the other processes have let the log go. */
export class EventLogInUse extends StoreUnavailableError {
  constructor(file: string) {
    super(`The event log ${file}`, new Error('in use by another process'));
    this.message =
      `A process is using the event log ${file} (a service or a CLI command): stop every service and CLI command using ` +
      'DATA_DIR, then restore again. Nothing was changed.';
    this.name = 'EventLogInUse';
  }
}

export function holdEventLog(file: string): HeldEventLog {
  let db: Database.Database | null = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // SQLite answers the mode it kept when it could not switch: another connection has the file open.
    if (db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') throw Object.assign(new Error('in use'), { code: 'SQLITE_BUSY' });
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    db = null;
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new EventLogInUse(file);
    // Damage is why logs are restored: a file SQLite cannot open is moved aside as it is, with its WAL.
    if (!isCorruptDatabase(error)) throw error;
  }
  const readable = db === null ? null : readableSummary(db);
  let setAside = false;
  const release = () => {
    // Left in place (the restore refused): in WAL mode again, as every process opens it.
    if (db !== null && !setAside) db.pragma('journal_mode = WAL');
    db?.close();
    db = null;
  };
  return {
    summary: readable?.summary ?? null,
    lastGiven: readable?.lastGiven ?? null,
    setAside(aside) {
      const moved: string[] = [];
      // A WAL is left only where the fold could not be made (a file SQLite cannot open): it goes with its file.
      for (const suffix of ['', '-wal']) {
        if (!existsSync(`${file}${suffix}`)) continue;
        renameSync(`${file}${suffix}`, `${aside}${suffix}`);
        moved.push(`${aside}${suffix}`);
      }
      rmSync(`${file}-shm`, { force: true });
      setAside = true;
      return moved;
    },
    release,
  };
}
