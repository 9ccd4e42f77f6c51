import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openEventLog } from './event-log-database.js';
import { checkEventLogBackup, EventLogInUse, holdEventLog } from './event-log-restore.js';
import { LOG_FORMAT_READ } from './log-readers.js';

describe('Restoring the embedded log: the backup checked, the log in place held', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'psk-restore-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A log in WAL mode with `events` events, the first a KeyCreated; left open when `keepOpen`. */
  const makeLog = (file: string, events: number, keepOpen = false): Database.Database | null => {
    const db = openEventLog(file, 'NORMAL');
    const insert = db.prepare(
      "INSERT INTO events (event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, 0, ?, 1, '{}', '{}', '2026-12-06T00:00:00.000Z')",
    );
    for (let i = 0; i < events; i++) insert.run(`${file}-event-${i}`, `api_key-${i}`, i === 0 ? 'KeyCreated' : 'KeyUsed');
    if (keepOpen) return db;
    db.close();
    return null;
  };

  describe('checkEventLogBackup', () => {
    it('answers what a whole backup holds: its events, last position and first KeyCreated', () => {
      const file = join(dir, 'backup.sqlite');
      makeLog(file, 3);
      expect(checkEventLogBackup(file)).toEqual({ events: 3, position: 3, identity: `${file}-event-0` });
    });

    it('refuses a missing file, an empty one, one that is no database, and a database that holds no log', () => {
      const missing = join(dir, 'missing.sqlite');
      expect(() => checkEventLogBackup(missing)).toThrow(`${missing} does not exist: name the backup to restore`);
      const empty = join(dir, 'empty.sqlite');
      writeFileSync(empty, '');
      expect(() => checkEventLogBackup(empty)).toThrow(`${empty} is empty (0 bytes): an incomplete copy, not a backup; nothing was changed`);
      const text = join(dir, 'notes.txt');
      writeFileSync(text, 'not a database at all, but long enough to have a header of its own......................\n'.repeat(20));
      expect(() => checkEventLogBackup(text)).toThrow(`${text} is not a database (file is not a database): name a copy that backup wrote; nothing was changed`);
      const other = join(dir, 'read-model.sqlite');
      const db = new Database(other);
      db.exec('CREATE TABLE api_keys (id TEXT)');
      db.close();
      expect(() => checkEventLogBackup(other)).toThrow(`${other} holds no event log (no events table): name a copy that backup wrote; nothing was changed`);
    });

    it('refuses a copy damaged in a page no read of the log touches (integrity_check reads them all)', () => {
      const file = join(dir, 'backup.sqlite');
      makeLog(file, 3);
      const db = new Database(file);
      db.exec("INSERT INTO write_probe VALUES (1, 'x')");
      const root = db.prepare<[], number>("SELECT rootpage FROM sqlite_schema WHERE name = 'write_probe'").pluck().get()!;
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.close();
      const bytes = readFileSync(file);
      bytes.fill(0xff, (root - 1) * pageSize, root * pageSize);
      writeFileSync(file, bytes);
      expect(() => checkEventLogBackup(file)).toThrow(new RegExp(`^${file} is damaged \\(.+\\): it cannot be restored; nothing was changed$`));
    });

    it("refuses a copy whose pages are whole but an event's bytes changed (integrity_check reads no event's JSON)", () => {
      const file = join(dir, 'backup.sqlite');
      makeLog(file, 6);
      const db = new Database(file);
      db.prepare('UPDATE events SET data = ? WHERE position IN (2, 5)').run('{"reason":"revoked","keyId":"k-1"}');
      db.prepare('UPDATE events SET metadata = ? WHERE position = 4').run('{"requestId":"req_1"}');
      db.close();
      // One byte each, in place, as a disk or a transfer changes them: the quote before a property name, a brace.
      const bytes = readFileSync(file);
      const reasons = [bytes.indexOf('"reason"'), bytes.lastIndexOf('"reason"')];
      const requestId = bytes.indexOf('"requestId"');
      expect(reasons[0]).toBeLessThan(reasons[1]);
      bytes.write('{', reasons[0]);
      bytes.write('}', reasons[1]);
      bytes.write('[', requestId);
      writeFileSync(file, bytes);
      const copy = new Database(file, { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      copy.close();
      expect(() => checkEventLogBackup(file)).toThrow(`${file} is damaged (the events at positions 2, 4, 5 are not JSON: changed since written): it cannot be restored; nothing was changed`);
    });

    it('refuses a backup holding a trigger or a view, which no log holds: a trigger would change every append after the restore', () => {
      const file = join(dir, 'backup.sqlite');
      makeLog(file, 2);
      const db = new Database(file);
      db.exec("CREATE TRIGGER undo_revoke AFTER INSERT ON events WHEN NEW.type = 'KeyRevoked' BEGIN DELETE FROM events WHERE position = NEW.position; END");
      db.close();
      expect(() => checkEventLogBackup(file)).toThrow(`${file} holds what no backup holds (trigger "undo_revoke"): not a copy backup wrote; nothing was changed`);
      const withView = join(dir, 'view.sqlite');
      makeLog(withView, 2);
      const viewDb = new Database(withView);
      viewDb.exec('CREATE VIEW keys AS SELECT data FROM events');
      viewDb.close();
      expect(() => checkEventLogBackup(withView)).toThrow(`${withView} holds what no backup holds (view "keys"): not a copy backup wrote; nothing was changed`);
      // A log as backup writes it passes.
      const whole = join(dir, 'whole.sqlite');
      makeLog(whole, 2);
      expect(checkEventLogBackup(whole)).toMatchObject({ events: 2 });
    });

    it('refuses a backup a newer version marked beyond this one, writing nothing to it', () => {
      const file = join(dir, 'backup.sqlite');
      makeLog(file, 1);
      const db = new Database(file);
      db.prepare('UPDATE log_readers SET oldest_reader = ?').run(LOG_FORMAT_READ + 1);
      db.close();
      const before = readFileSync(file);
      expect(() => checkEventLogBackup(file)).toThrow(`The event log ${file} was written by a newer version of the service`);
      expect(readFileSync(file).equals(before)).toBe(true);
    });
  });

  describe('holdEventLog', () => {
    it('is refused at once while another connection has the log open, even idle, and changes nothing', () => {
      const file = join(dir, 'events.sqlite');
      const other = makeLog(file, 2, true)!;
      try {
        expect(existsSync(`${file}-wal`)).toBe(true);
        const started = Date.now();
        expect(() => holdEventLog(file)).toThrow(EventLogInUse);
        expect(Date.now() - started).toBeLessThan(1000); // no busy wait
        expect(() => holdEventLog(file)).toThrow(
          `A process is using the event log ${file} (a service or a CLI command): stop every service and CLI command using DATA_DIR, then restore again. Nothing was changed.`,
        );
        expect(other.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(2);
        expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        other.close();
      }
    });

    // A crash (SIGKILL) leaves the last commits in the WAL only: set aside without them, the old log would lose them,
    // and the WAL left beside the copy put in its place would be applied to the copy.
    it("folds a WAL a crash left into the log it sets aside, which then holds every commit by itself, and leaves no -wal or -shm", () => {
      const live = join(dir, 'live.sqlite');
      const db = makeLog(live, 5, true)!;
      const file = join(dir, 'events.sqlite');
      // The files as a process killed now leaves them: its commits in the WAL, not yet in the file.
      copyFileSync(live, file);
      copyFileSync(`${live}-wal`, `${file}-wal`);
      db.close();

      const held = holdEventLog(file);
      expect(held.summary).toEqual({ events: 5, position: 5, identity: `${live}-event-0` });
      const aside = join(dir, 'events.sqlite.replaced');
      expect(held.setAside(aside)).toEqual([aside]);
      held.release();
      expect([existsSync(file), existsSync(`${file}-wal`), existsSync(`${file}-shm`), existsSync(`${aside}-wal`)]).toEqual([false, false, false, false]);
      const kept = new Database(aside, { readonly: true });
      expect(kept.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(5);
      kept.close();
    });

    it('keeps other processes out until released: a connection opened meanwhile cannot read the log', () => {
      const file = join(dir, 'events.sqlite');
      makeLog(file, 1);
      const held = holdEventLog(file);
      const late = new Database(file, { timeout: 0 });
      try {
        expect(() => late.prepare('SELECT COUNT(*) FROM events').get()).toThrow(/database is locked/);
        held.release();
        expect(late.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(1);
      } finally {
        late.close();
      }
    });

    it('moves a file SQLite cannot read aside as it is, and summarizes nothing', () => {
      const file = join(dir, 'events.sqlite');
      const garbage = 'garbage '.repeat(200);
      writeFileSync(file, garbage);
      const held = holdEventLog(file);
      expect(held.summary).toBeNull();
      const aside = join(dir, 'events.sqlite.replaced');
      expect(held.setAside(aside)).toEqual([aside]);
      held.release();
      expect(readFileSync(aside, 'utf8')).toBe(garbage);
    });
  });
});
