import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openEventLog } from './event-log-database.js';
import { checkLogReaders, LOG_FORMAT_READ } from './log-readers.js';

describe('The log readers mark in events.sqlite', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-log-readers-'));
    file = join(dir, 'events.sqlite');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const mark = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT oldest_reader FROM log_readers').pluck().all();
    } finally {
      db.close();
    }
  };
  const markAs = (oldestReader: number) => {
    const db = new Database(file);
    db.exec('CREATE TABLE IF NOT EXISTS log_readers (id INTEGER PRIMARY KEY CHECK (id = 1), oldest_reader INTEGER NOT NULL)');
    db.prepare('INSERT INTO log_readers (id, oldest_reader) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET oldest_reader = excluded.oldest_reader').run(oldestReader);
    db.close();
  };

  it('is written when a log is opened without one (new, or written by versions before it)', () => {
    openEventLog(file, 'NORMAL').close();
    expect(mark()).toEqual([LOG_FORMAT_READ]);
    openEventLog(file, 'NORMAL').close();
    expect(mark()).toEqual([LOG_FORMAT_READ]);
  });

  it('keeps this version from opening a log a newer version marked beyond it, with one line saying so, and writes nothing', () => {
    markAs(LOG_FORMAT_READ + 1);
    expect(() => openEventLog(file, 'NORMAL')).toThrow(
      new RegExp(`written by a newer version of the service: it needs a version that reads log format ${LOG_FORMAT_READ + 1}, and this one reads format ${LOG_FORMAT_READ}`),
    );
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'events'").all()).toEqual([]);
    db.close();
    expect(mark()).toEqual([LOG_FORMAT_READ + 1]);
  });

  it('is raised by a version whose events need a newer reader, and never lowered', () => {
    markAs(1);
    const db = new Database(file);
    checkLogReaders(db, file, { reads: 3, needs: 3 });
    expect(db.prepare('SELECT oldest_reader FROM log_readers').pluck().get()).toBe(3);
    checkLogReaders(db, file, { reads: 3, needs: 2 });
    expect(db.prepare('SELECT oldest_reader FROM log_readers').pluck().get()).toBe(3);
    expect(() => checkLogReaders(db, file, { reads: 2, needs: 1 })).toThrow(/log format 3, and this one reads format 2/);
    db.close();
  });
});
