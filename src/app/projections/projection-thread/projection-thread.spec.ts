import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../../infrastructure/sqlite/sqlite-event-store.js';
import { SqliteKeyUsageReadModel } from '../../../infrastructure/sqlite/sqlite-key-usage-read-model.js';
import { READ_MODEL_FILE } from '../../../infrastructure/sqlite/sqlite-read-model-storage.js';
import { loadEnvironment } from '../../../shared/config/environment.js';
import { KEY_USED, type KeyUsedData, keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { seedEmbeddedLog } from '../../../../test/support/seed-log.js';
import { PROJECTIONS } from '../projection-catalog.js';
import { ProjectionThread } from './projection-thread.js';

const use = (keyId: string, i: number): KeyUsedData => ({
  keyId,
  accountId: 'acme',
  usedAt: new Date(Date.UTC(2026, 10, 27, 9, 0, i)).toISOString(),
  requestId: `req_${i}`,
  ip: '192.0.2.1',
  userAgent: 'test',
  method: 'GET',
  path: '/v1/api-keys',
  outcome: 'accepted',
});

describe('ProjectionThread', () => {
  let dir: string;
  let logs: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-projection-thread-'));
    logs = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const thread = (readModel: { MONGODB_URL?: string } = {}, pollIntervalMs = 100) =>
    new ProjectionThread(
      PROJECTIONS.filter((declaration) => declaration.runsOn === 'projection-thread'),
      // The poll interval is set past what the environment allows, to show that a wake needs no poll.
      { ...loadEnvironment({ DATA_DIR: dir, MONGODB_DB: 'unused', ...readModel }), POLL_INTERVAL_MS: pollIntervalMs },
      0,
      (level, message) => logs.push(`${level}: ${message}`),
    );
  const mirror = (projections: ProjectionThread, name: string) => projections.projections.find((p) => p.projection.name === name)!;

  it('mirrors exactly the projections the catalog places on the projection thread', () => {
    expect(thread().projections.map((p) => p.projection.name)).toEqual(['api-keys', 'key-usage', 'anomaly-detector']);
  });

  it('projects uses on its own thread, and lets this thread wait for a position', async () => {
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const projections = thread();
    await projections.start();
    try {
      expect(projections.projections.map((p) => p.status().running)).toEqual([true, true, true]);
      const events = [0, 1, 2].map((i) => ({ type: KEY_USED, schemaVersion: 1, data: { ...use('key-1', i) } }));
      const [appended] = await store.appendToStreams([{ streamId: keyUsageStreamId('key-1'), events, expectedRevision: 'any' }]);
      await mirror(projections, 'key-usage').waitUntilProcessed(appended.position, 5000);
      const usage = new SqliteKeyUsageReadModel(join(dir, READ_MODEL_FILE));
      expect((await usage.getMany(['key-1'])).get('key-1')).toMatchObject({ accepted: 3 });
      await usage.close();
    } finally {
      await projections.stop();
      await store.close();
    }
    expect(mirror(projections, 'key-usage').status().running).toBe(false);
    await expect(mirror(projections, 'key-usage').waitUntilProcessed(Number.MAX_SAFE_INTEGER, 50)).rejects.toThrow(/not yet visible/);
    expect(logs).toEqual([]);
  });

  it('reads an append of this thread at once when woken, without waiting for its poll', async () => {
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const projections = thread({}, 60_000);
    await projections.start();
    const unsubscribe = store.onAppended((types) => projections.wake(types));
    try {
      const events = [{ type: KEY_USED, schemaVersion: 1, data: { ...use('key-1', 0) } }];
      const [appended] = await store.appendToStreams([{ streamId: keyUsageStreamId('key-1'), events, expectedRevision: 'any' }]);
      await mirror(projections, 'key-usage').waitUntilProcessed(appended.position, 2000);
      await mirror(projections, 'anomaly-detector').waitUntilProcessed(appended.position, 2000);
    } finally {
      unsubscribe();
      await projections.stop();
      await store.close();
    }
  });

  // A stop of a caught-up 100,000-key instance ran past its 2 s bound at every SIGTERM: the detector's last snapshot
  // (45 MB, 4.4 s at load 16), and the warning blamed a store that did not answer. It now names what was stopping.
  it('tells which projections were still stopping when a stop runs past its bound, and none once they have stopped', async () => {
    const { events } = await seedEmbeddedLog(dir, 5000);
    const projections = thread();
    await projections.start();
    await mirror(projections, 'anomaly-detector').waitUntilProcessed(events, 60_000);
    // Stopping, the detector saves a snapshot of its state (5,000 keys): not done in a millisecond.
    expect(await projections.stop(1)).toBe(false);
    expect(projections.stillStopping()).toContain('anomaly-detector');
    // Each one is told as its stop ends, so once the thread has stopped nothing is left.
    const until = Date.now() + 60_000;
    while (projections.stillStopping().length > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(projections.stillStopping()).toEqual([]);
    expect(await projections.stop()).toBe(true);
  }, 120_000);

  it('reports a thread that could not start as not running, and starts it again', async () => {
    const projections = thread({ MONGODB_URL: 'mongodb://127.0.0.1:9/' });
    await projections.start();
    try {
      expect(mirror(projections, 'key-usage').status().running).toBe(false);
      expect(logs.some((line) => /Projection thread exited; starting it again in 500 ms/.test(line))).toBe(true);
    } finally {
      await projections.stop();
    }
  });
});
