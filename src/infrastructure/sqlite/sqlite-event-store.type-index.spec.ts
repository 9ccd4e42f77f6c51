import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from './sqlite-event-store.js';
import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';

const created = (n: number) => ({ type: 'KeyCreated', schemaVersion: 1, data: { n } });
const used = { type: 'KeyUsed', schemaVersion: 1, data: {} };

/**
 * Builds from 15bcd2c to f8c4a0e^ (2026-11-27 to 2026-12-02) ran `DROP INDEX IF EXISTS events_by_type` each time
 * they opened the log: one of them (its CLI, its service) opened beside a running current store took the index
 * away under it.
 */
describe('SqliteEventStore when an older build drops the type index under it', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  let other: Database.Database;
  let warnings: string[];

  const dropTypeIndex = () => other.exec('DROP INDEX IF EXISTS events_by_type');
  const typeIndexes = () => other.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'events_by_type'").pluck().all();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'psk-sqlite-type-index-'));
    file = join(dir, 'events.sqlite');
    warnings = [];
    store = new SqliteEventStore(file, { pollIntervalMs: 10, onWarning: (message) => warnings.push(message) });
    other = new Database(file);
    other.pragma('busy_timeout = 5000');
    await store.appendToStream('k-1', [created(1)], 'no_stream');
    await store.appendToStream('u-1', [used], 'no_stream');
  });

  afterEach(async () => {
    other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds it and answers the filtered read, the backlog and the next reads, with one warning naming the cause', async () => {
    dropTypeIndex();
    await store.appendToStream('k-2', [created(2)], 'no_stream');
    expect((await store.readAll({ after: null, types: ['KeyCreated'], maxCount: 10 })).map((e) => e.streamId)).toEqual(['k-1', 'k-2']);
    expect(typeIndexes()).toEqual(['events_by_type']);
    dropTypeIndex();
    expect((await store.backlog({ after: null, types: ['KeyCreated'], maxCount: 10 })).count).toBe(2);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/missing its index events_by_type.*rebuilt/);
    expect(warnings[0]).toMatch(/older version/i);
    expect(await store.readAll({ after: null, types: ['KeyCreated', 'KeyUsed'], maxCount: 10 })).toHaveLength(3);
    expect(warnings).toHaveLength(2);
  });

  it('keeps a live subscription by type going through the drop', async () => {
    const seen: RecordedEvent[] = [];
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll({ after: null, types: ['KeyCreated'] }, {
      onEvents: async (events) => void seen.push(...events),
      onError: (error) => void errors.push(error),
    });
    try {
      for (let i = 0; i < 100 && seen.length < 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      dropTypeIndex();
      // Another process's append: the subscription finds it by polling, through the index it no longer has.
      const writer = new SqliteEventStore(file, { onWarning: () => undefined });
      await writer.appendToStream('k-2', [created(2)], 'no_stream');
      await writer.close();
      dropTypeIndex();
      for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      // k-2 may have been read before the second drop (the writer's open built the index again): the subscription's
      // next poll, one interval on, reads through the missing index and mends it. Wait for that poll, not for k-2.
      for (let i = 0; i < 200 && typeIndexes().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(errors).toEqual([]);
      expect(seen.map((e) => e.streamId)).toEqual(['k-1', 'k-2']);
      expect(typeIndexes()).toEqual(['events_by_type']);
    } finally {
      await subscription.stop();
    }
  });
});
