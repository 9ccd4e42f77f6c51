import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { damageLogIndexes } from '../../../test/support/damaged-log.js';
import { AppendWorkerClient } from './append-worker-client.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { AppendRefusedError } from '../../shared/event-store/append-refused.error.js';
import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import { StoreDamagedError } from '../../shared/storage/store-damaged.error.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';

const FULL = 2;
const event = { type: 'Used', schemaVersion: 1, data: {} };
const appendTo = (streamId: string) => [{ streamId, events: [event], expectedRevision: 'any' as const }];

describe('SqliteEventStore appends with process durability', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-sqlite-durability-'));
    file = join(dir, 'events.sqlite');
    store = new SqliteEventStore(file);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leave the store’s own connection flushing every commit', async () => {
    await store.appendToStreams(appendTo('s'), { durability: 'process' });
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
  });

  it('are in the log for the next process once they return', async () => {
    await store.appendToStreams(appendTo('s'), { durability: 'process' });
    await store.appendToStreams(appendTo('s'), { durability: 'process' });
    await store.close();
    store = new SqliteEventStore(file);
    expect((await store.readStream('s')).map((e) => e.revision)).toEqual([0, 1]);
  });

  it('wake live subscriptions', async () => {
    const seen: string[] = [];
    const subscription = store.subscribeToAll({ after: null }, {
      onEvents: async (events) => void seen.push(...events.map((e) => e.streamId)),
      onError: () => undefined,
    });
    await store.appendToStreams(appendTo('live'), { durability: 'process' });
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await subscription.stop();
    expect(seen).toEqual(['live']);
  });
});

describe('SqliteEventStore, an append SQLite refuses for its data', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-sqlite-refused-'));
    const file = join(dir, 'events.sqlite');
    store = new SqliteEventStore(file);
    // A refusal the same append meets at every try (SQLITE_CONSTRAINT_TRIGGER), as SQLITE_TOOBIG or another constraint would be.
    const other = new Database(file);
    other.exec(`CREATE TRIGGER refuse_s BEFORE INSERT ON events WHEN NEW.stream_id = 'refused' BEGIN SELECT RAISE(ABORT, 'refused here'); END`);
    other.close();
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([['process'], ['strict']] as const)('fails as AppendRefusedError (malformed) with %s durability, the whole batch unwritten', async (durability) => {
    const failure = await store.appendToStreams([...appendTo('ok'), ...appendTo('refused')], { durability }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppendRefusedError);
    expect(failure).toMatchObject({ reason: 'malformed', streamId: undefined });
    expect(await store.readStream('ok')).toEqual([]);
    await expect(store.appendToStream('refused', [event], 'any')).rejects.toBeInstanceOf(AppendRefusedError);
    await store.appendToStreams(appendTo('ok'), { durability });
    expect(await store.readStream('ok')).toHaveLength(1);
  });
});

describe('SqliteEventStore flushed appends (key changes)', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-sqlite-flushed-'));
    file = join(dir, 'events.sqlite');
    store = new SqliteEventStore(file);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // They committed on the calling thread, the request thread: each commit's disk flush (~3 ms here), or a wait for
  // another connection's write lock, held up every request meanwhile. 200 creations a second took verify from 0.7 ms
  // to a p50 of 206 ms and a max of 4 s (2026-12-07).
  it('leave the calling thread free while they wait for the log', async () => {
    // Another connection holds the write lock for 300 ms, from another thread.
    const blocker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const db = new (require('better-sqlite3'))(workerData);
       db.exec('BEGIN IMMEDIATE');
       parentPort.postMessage('locked');
       setTimeout(() => { db.exec('COMMIT'); db.close(); parentPort.close(); }, 300);`,
      { eval: true, workerData: file },
    );
    const exited = once(blocker, 'exit');
    await once(blocker, 'message');
    let timerRan = false;
    const timer = setTimeout(() => (timerRan = true), 20);
    const appended = store.appendToStream('k', [event], 'no_stream').then(() => timerRan);
    expect(await appended).toBe(true);
    clearTimeout(timer);
    await exited;
    expect((await store.readStream('k')).map((e) => e.revision)).toEqual([0]);
  });

  it('are flushed, refused for a revision that moved on, and answered in order', async () => {
    const results = await Promise.all([0, 1, 2].map(() => store.appendToStream('k', [event], 'any')));
    expect(results.map((r) => r.nextExpectedRevision)).toEqual([0, 1, 2]);
    await expect(store.appendToStream('k', [event], 'no_stream')).rejects.toThrow(ConcurrencyError);
    const durable = (store as unknown as { durableAppendWorker: { options: { synchronous: string } } }).durableAppendWorker;
    expect(durable.options.synchronous).toBe('FULL');
  });

  it('commit on the calling thread, flushed, for a process that serves no request (the CLI)', async () => {
    const cli = new SqliteEventStore(file, { flushedAppendsOnThisThread: true });
    try {
      await cli.appendToStream('c', [event], 'no_stream');
      await cli.appendToStreams(appendTo('c'));
      expect((cli as unknown as { durableAppendWorker: { worker: unknown } }).durableAppendWorker.worker).toBeNull();
      expect((await store.readStream('c')).map((e) => e.revision)).toEqual([0, 1]);
    } finally {
      await cli.close();
    }
  });
});

describe('SqliteEventStore checkpoints of the log', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore | null = null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-sqlite-checkpoints-'));
    file = join(dir, 'events.sqlite');
  });

  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // ~6 MB of usage: about 1,500 pages of log, past SQLite's default limit of 1,000 pages for a checkpoint in the commit.
  const usageBatch = () =>
    Array.from({ length: 3000 }, (_, i) => ({ streamId: `usage-${i}`, events: [{ type: 'Used', schemaVersion: 1, data: { filler: 'x'.repeat(2000) } }], expectedRevision: 'any' as const }));
  const fileSize = () => statSync(file).size;
  const warnings: string[] = [];

  it('are not run inside a commit, however many pages it adds to the log', async () => {
    store = new SqliteEventStore(file, { checkpointIntervalMs: 60_000, onWarning: (message) => warnings.push(message) });
    await store.appendToStreams(usageBatch(), { durability: 'process' });
    await store.appendToStreams([{ streamId: 'key', events: [event], expectedRevision: 'any' }]);
    expect(fileSize()).toBeLessThan(1_000_000);
    expect(warnings).toEqual([]);
  });

  it('are run by the append worker every interval', async () => {
    store = new SqliteEventStore(file, { checkpointIntervalMs: 20, onWarning: (message) => warnings.push(message) });
    await store.appendToStreams(usageBatch(), { durability: 'process' });
    for (let i = 0; i < 100 && fileSize() < 6_000_000; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fileSize()).toBeGreaterThan(6_000_000);
    expect(warnings).toEqual([]);
  });
});

describe('AppendWorkerClient', () => {
  let dir: string;
  let client: AppendWorkerClient;
  const warnings: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-append-worker-'));
    new SqliteEventStore(join(dir, 'events.sqlite')).close();
    client = new AppendWorkerClient(join(dir, 'events.sqlite'), { synchronous: 'NORMAL', checkpointIntervalMs: 1000, background: true, onWarning: (message) => warnings.push(message) });
  });

  afterEach(async () => {
    await client.close();
    expect(warnings).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a failed append and goes on with the next', async () => {
    // Another connection holds the write lock past the worker's busy timeout (5 s).
    const blocker = new Database(join(dir, 'events.sqlite'));
    blocker.exec('BEGIN IMMEDIATE');
    // With SQLite's code, for the store to tell a file it cannot write now from a fault (answered 503, not 500).
    await expect(client.append(appendTo('s'))).rejects.toMatchObject({ message: expect.stringMatching(/locked/), code: 'SQLITE_BUSY' });
    blocker.exec('ROLLBACK');
    blocker.close();
    const [result] = await client.append(appendTo('s'));
    expect(result.nextExpectedRevision).toBe(0);
  }, 15_000);

  it('answers every append sent before it closes', async () => {
    const appends = Array.from({ length: 20 }, () => client.append(appendTo('s')));
    await client.close();
    expect((await Promise.all(appends)).map(([r]) => r.nextExpectedRevision)).toEqual([...Array(20).keys()]);
  });
});

describe('SqliteEventStore on a file it cannot write', () => {
  let dir: string;
  let store: SqliteEventStore;
  let main: Database.Database;
  let appends: AppendWorkerClient;
  // The store's connection (readiness's write probe) and its flushed appends' (the worker's), as one disk would be.
  const db = { pragma: (pragma: string) => (main.pragma(pragma), appends.pragma(pragma)) };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'psk-sqlite-full-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    await store.appendToStream('s', [event], 'any');
    ({ db: main, durableAppendWorker: appends } = store as unknown as { db: Database.Database; durableAppendWorker: AppendWorkerClient });
    // A full disk, as SQLite reports it: no page can be added to the file.
    db.pragma(`max_page_count = ${main.pragma('page_count', { simple: true })}`);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fill = () => store.appendToStream('s', [{ ...event, data: { filler: 'x'.repeat(20_000) } }], 'any');

  it('fails appends as the store being unavailable (503), not as a fault (500)', async () => {
    await expect(fill()).rejects.toThrow(StoreUnavailableError);
    await expect(fill()).rejects.toThrow(/events\.sqlite is unavailable: database or disk is full/);
    expect(await store.readStream('s')).toHaveLength(1);
  });

  it('is not ready until it can be written again, and says why', async () => {
    db.pragma('max_page_count = 1073741823');
    db.pragma('query_only = ON'); // a file system remounted read-only, as SQLite reports it
    await store.ping();
    await expect(fill()).rejects.toThrow(StoreUnavailableError);
    await expect(store.ping()).rejects.toThrow(/events\.sqlite cannot be written: attempt to write a readonly database/);
    db.pragma('query_only = OFF');
    await store.ping();
    await fill();
    expect(await store.readStream('s')).toHaveLength(2);
  });
});

describe('SqliteEventStore on a log SQLite finds damaged while it runs', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'psk-sqlite-damaged-'));
    file = join(dir, 'events.sqlite');
    store = new SqliteEventStore(file);
    await store.appendToStream('s', [event], 'any');
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const damageIndexes = () => damageLogIndexes(file);

  // Readiness stayed 200 while every append failed: only a file that cannot be written was remembered.
  it('is not ready once an append fails, says why, and is ready again once the log can be written', async () => {
    await store.ping();
    const repair = damageIndexes();
    // Answered 503 (StoreDamagedError) where it was a 500.
    await expect(store.appendToStream('s', [event], 'any')).rejects.toThrow(StoreDamagedError);
    await expect(store.ping()).rejects.toThrow(/events\.sqlite cannot be written: malformed database schema/);
    await expect(store.ping()).rejects.toThrow(/cannot be written/);
    repair();
    await store.ping();
    await store.ping();
    await store.appendToStream('s', [event], 'any');
    expect((await store.readStream('s')).map((e) => e.position)).toEqual([1, 2]);
  });

  it('is ready at once after a failure that did not last, the probe leaving the log as it was', async () => {
    const repair = damageIndexes();
    await expect(store.appendToStreams(appendTo('s'))).rejects.toThrow(/events\.sqlite is damaged: malformed database schema/);
    repair();
    await store.ping();
    // The probe's event was rolled back, its position too.
    expect(await store.headPosition()).toBe(1);
    await store.appendToStream('t', [event], 'any');
    expect(await store.headPosition()).toBe(2);
  });

  it('fails a stream read that meets the damage as StoreDamagedError (503), and is not ready until the log can be written', async () => {
    const repair = damageIndexes();
    await expect(store.readStream('s')).rejects.toThrow(StoreDamagedError);
    await expect(store.ping()).rejects.toThrow(/cannot be written: malformed database schema/);
    repair();
    await store.ping();
    expect(await store.readStream('s')).toHaveLength(1);
  });

  // A projection's read that met the damage failed with a bare SqliteError: each projection logged it at each retry, and readiness stayed 200.
  it("fails its readers' reads (subscriptions, backlog, head) as StoreDamagedError reported by one error line, not ready until the log can be written", async () => {
    const errors: string[] = [];
    const readers = new SqliteEventStore(file, { onError: (message) => errors.push(message) });
    try {
      const repair = damageIndexes();
      const failures: unknown[] = [];
      for (const types of [['Used'], undefined, ['Used']]) {
        await new Promise<void>((resolve) => {
          readers.subscribeToAll({ after: null, types }, { onEvents: async () => undefined, onError: (error) => resolve(void failures.push(error)) });
        });
      }
      await expect(readers.backlog({ after: 0, maxCount: 10, types: ['Used'] })).rejects.toThrow(StoreDamagedError);
      await expect(readers.headPosition()).rejects.toThrow(StoreDamagedError);
      await expect(readers.readAll({ after: 0, maxCount: 10 })).rejects.toMatchObject({ reported: true });
      expect(failures).toEqual([expect.any(StoreDamagedError), expect.any(StoreDamagedError), expect.any(StoreDamagedError)]);
      expect(failures.every((failure) => (failure as StoreDamagedError).reported)).toBe(true);
      expect(errors).toEqual([
        expect.stringMatching(/^The event log .*events\.sqlite is damaged: malformed database schema .*, met by its readers \(the projections\): .* restore it from a backup/),
      ]);
      await expect(readers.ping()).rejects.toThrow(/events\.sqlite cannot be written: malformed database schema/);
      repair();
      await readers.ping();
      expect(await readers.readAll({ after: 0, maxCount: 10 })).toHaveLength(1);
    } finally {
      await readers.close();
    }
  });

  it('is not made unready by an append refused for its revision', async () => {
    await expect(store.appendToStream('s', [event], 'no_stream')).rejects.toThrow();
    const damaged = damageIndexes();
    try {
      // Nothing failed for the file: the ping only reads.
      await store.ping();
    } finally {
      damaged();
    }
  });
});

describe('SqliteEventStore filtered reads', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  const TYPES = ['KeyUsed', 'KeyCreated', 'KeyRevoked'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'psk-sqlite-reads-'));
    file = join(dir, 'events.sqlite');
    const writer = new SqliteEventStore(file);
    // More events than the decoded events kept (256), mostly uses, the rest spread unevenly.
    const appends = Array.from({ length: 6000 }, (_, i) => ({
      streamId: `s${i % 50}`,
      expectedRevision: 'any' as const,
      events: [{ type: i % 7 === 3 ? TYPES[1] : i % 31 === 5 ? TYPES[2] : TYPES[0], schemaVersion: 1, data: { i }, metadata: { at: i } }],
    }));
    await writer.appendToStreams(appends);
    await writer.close();
  });

  beforeEach(() => {
    store = new SqliteEventStore(file);
  });

  afterEach(async () => {
    await store.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const freshRead = async (after: number, types: string[], maxCount: number) => {
    const fresh = new SqliteEventStore(file);
    try {
      return await fresh.readAll({ after, maxCount, types });
    } finally {
      await fresh.close();
    }
  };

  it('answer what a fresh connection reads, whatever was read before on this one', async () => {
    const reads: [number, string[], number][] = [
      [0, ['KeyUsed'], 100],
      [50, TYPES, 100],
      [0, ['KeyCreated'], 5000],
      [120, ['KeyUsed', 'KeyRevoked'], 300],
      [0, TYPES, 6000],
      [5990, TYPES, 100],
      [100, ['KeyRevoked'], 10],
      [0, ['Missing'], 10],
    ];
    for (const [after, types, maxCount] of reads) {
      expect(await store.readAll({ after, maxCount, types })).toEqual(await freshRead(after, types, maxCount));
    }
  });

  it('count a backlog as reading it would, for any types, start and cap', async () => {
    const cases: [number, string[], number][] = [];
    for (const after of [0, 1, 2999, 5990, 6000]) {
      for (const types of [['KeyUsed'], ['KeyRevoked'], ['KeyRevoked', 'KeyCreated'], [...TYPES].reverse(), ['Missing']]) {
        for (const maxCount of [1, 7, 1001, 6000]) cases.push([after, types, maxCount]);
      }
    }
    for (const [after, types, maxCount] of cases) {
      const pending = await freshRead(after, types, maxCount);
      const expected = { count: pending.length, oldestRecordedAt: pending[0]?.recordedAt ?? null, oldestPosition: pending[0]?.position ?? null };
      expect([after, types, maxCount, await store.backlog({ after, maxCount, types })]).toEqual([after, types, maxCount, expected]);
    }
  });

  it('hand a second reader of the same events the events the first decoded', async () => {
    const first = await store.readAll({ after: 0, maxCount: 100, types: ['KeyUsed'] });
    const second = await store.readAll({ after: 0, maxCount: 200, types: TYPES });
    const byPosition = new Map(second.map((event) => [event.position, event]));
    expect(first.every((event) => byPosition.get(event.position) === event)).toBe(true);
  });
});
