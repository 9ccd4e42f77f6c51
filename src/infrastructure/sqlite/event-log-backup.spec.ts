import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { backUpEventLog } from './event-log-backup.js';
import { openEventLog } from './event-log-database.js';

describe('backUpEventLog: the copy checked as restore checks it, before it is named', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'psk-backup-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const makeLog = (file: string, events: number) => {
    const db = openEventLog(file, 'NORMAL');
    const insert = db.prepare(
      "INSERT INTO events (event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, 0, ?, 1, '{}', '{}', '2026-12-07T00:00:00.000Z')",
    );
    for (let i = 0; i < events; i++) insert.run(`event-${i}`, `api_key-${i}`, i === 0 ? 'KeyCreated' : 'KeyUsed');
    db.close();
  };

  it('copies a whole log and says what the copy holds', async () => {
    const log = join(dir, 'events.sqlite');
    makeLog(log, 3);
    const copy = join(dir, 'copy.sqlite');
    expect(await backUpEventLog(log, copy)).toEqual({ events: 3, position: 3, bytes: expect.any(Number) });
    expect(readdirSync(dir).filter((name) => name.startsWith('copy'))).toEqual(['copy.sqlite']);
  });

  // Until 2026-12-07 such a log was copied without a word (exit 0), and restore then refused the copy as "changed since
  // written": the backup was blamed for the live log's damage, and the operator had no backup without it.
  it('refuses a live log holding an event that is not JSON, naming the live log and the position, and leaves no copy', async () => {
    const log = join(dir, 'events.sqlite');
    makeLog(log, 4);
    const db = new Database(log);
    db.prepare('UPDATE events SET data = ? WHERE position = 3').run('{"keyId" "k-1"}');
    db.close();
    const copy = join(dir, 'copy.sqlite');
    await expect(backUpEventLog(log, copy)).rejects.toThrow(
      `The event log ${log} is damaged (the event at position 3 is not JSON): no copy written to ${copy}. It is the source of truth: stop every process using it and restore it from a backup with the CLI: restore <backup file> (docs/operations.md, "Backups")`,
    );
    expect(readdirSync(dir).filter((name) => name.startsWith('copy'))).toEqual([]);
  });
});
