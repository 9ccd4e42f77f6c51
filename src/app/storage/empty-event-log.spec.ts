import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refuseEmptyEventLog } from './empty-event-log.js';

const settingsFor = (dir: string) => ({ DATA_DIR: dir, EVENTSTORE_URL: undefined, POLL_INTERVAL_MS: 100 });

describe('refuseEmptyEventLog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'empty-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets a missing log and a written one through', () => {
    expect(() => refuseEmptyEventLog(settingsFor(dir), 0)).not.toThrow();
    writeFileSync(join(dir, 'events.sqlite'), 'SQLite format 3\0');
    expect(() => refuseEmptyEventLog(settingsFor(dir), 0)).not.toThrow();
  });

  it('times its wait without the wall clock, which NTP may step during it', () => {
    writeFileSync(join(dir, 'events.sqlite'), '');
    // Stepped back an hour after the first read, then forward two: a wait by it would run about 0.2 s, not hang the test.
    const wall = Date.now();
    const stepped = jest.spyOn(Date, 'now').mockReturnValueOnce(wall);
    for (let read = 0; read < 20; read++) stepped.mockReturnValueOnce(wall - 3_600_000);
    stepped.mockReturnValue(wall + 3_600_000);
    try {
      expect(() => refuseEmptyEventLog(settingsFor(dir), 100)).toThrow(/is empty \(0 bytes\)/);
      expect(stepped).not.toHaveBeenCalled();
    } finally {
      stepped.mockRestore();
    }
  });

  it('refuses a log still at 0 bytes once the wait is over, and leaves it as it is', () => {
    const file = join(dir, 'events.sqlite');
    writeFileSync(file, '');
    const started = Date.now();
    expect(() => refuseEmptyEventLog(settingsFor(dir), 150)).toThrow(
      `The event log ${file} is empty (0 bytes): an incomplete copy? Restore it from a complete backup, or check DATA_DIR.`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(statSync(file).size).toBe(0);
  });

  // Three instances started at once on a new DATA_DIR: one made the file (0 bytes until its first page) while
  // another looked at it, and that one ended "is empty (0 bytes)". Another process writes it here, 300 ms on.
  it('waits for a log another process is creating at that moment', async () => {
    const file = join(dir, 'events.sqlite');
    writeFileSync(file, '');
    const writer = spawn(process.execPath, ['-e', `setTimeout(() => require('node:fs').writeFileSync(${JSON.stringify(file)}, 'SQLite format 3\\0'), 300)`]);
    const exited = new Promise((resolve) => writer.on('exit', resolve));
    try {
      expect(() => refuseEmptyEventLog(settingsFor(dir))).not.toThrow();
      expect(statSync(file).size).toBeGreaterThan(0);
    } finally {
      await exited;
    }
  });
});
