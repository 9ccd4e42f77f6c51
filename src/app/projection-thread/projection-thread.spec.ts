import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ANOMALY_THRESHOLDS } from '../../anomalies/domain/anomaly-thresholds.js';
import { SqliteEventStore } from '../../infrastructure/sqlite/sqlite-event-store.js';
import { SqliteKeyUsageReadModel } from '../../infrastructure/sqlite/sqlite-key-usage-read-model.js';
import { KEY_USED, type KeyUsedData, keyUsageStreamId } from '../../usage/domain/key-used.js';
import { READ_MODEL_FILE } from '../storage/read-model-storage.js';
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
      {
        store: { DATA_DIR: dir, POLL_INTERVAL_MS: pollIntervalMs, EVENTSTORE_URL: undefined },
        readModel: { DATA_DIR: dir, MONGODB_DB: 'unused', MONGODB_URL: readModel.MONGODB_URL },
        thresholds: { ...DEFAULT_ANOMALY_THRESHOLDS },
      },
      (level, message) => logs.push(`${level}: ${message}`),
    );

  it('projects uses on its own thread, and lets this thread wait for a position', async () => {
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const projections = thread();
    await projections.start();
    try {
      expect([projections.usage.status().running, projections.detector.status().running]).toEqual([true, true]);
      const events = [0, 1, 2].map((i) => ({ type: KEY_USED, schemaVersion: 1, data: { ...use('key-1', i) } }));
      const [appended] = await store.appendToStreams([{ streamId: keyUsageStreamId('key-1'), events, expectedRevision: 'any' }]);
      await projections.usage.waitUntilProcessed(appended.position, 5000);
      const usage = new SqliteKeyUsageReadModel(join(dir, READ_MODEL_FILE));
      expect((await usage.getMany(['key-1'])).get('key-1')).toMatchObject({ accepted: 3 });
      await usage.close();
    } finally {
      await projections.stop();
      await store.close();
    }
    expect(projections.usage.status().running).toBe(false);
    await expect(projections.usage.waitUntilProcessed(Number.MAX_SAFE_INTEGER, 50)).rejects.toThrow(/not yet visible/);
    expect(logs).toEqual([]);
  });

  it('reads an append of this thread at once when woken, without waiting for its poll', async () => {
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const projections = thread({}, 60_000);
    await projections.start();
    const unsubscribe = store.onAppended(() => projections.wake());
    try {
      const events = [{ type: KEY_USED, schemaVersion: 1, data: { ...use('key-1', 0) } }];
      const [appended] = await store.appendToStreams([{ streamId: keyUsageStreamId('key-1'), events, expectedRevision: 'any' }]);
      await projections.usage.waitUntilProcessed(appended.position, 2000);
      await projections.detector.waitUntilProcessed(appended.position, 2000);
    } finally {
      unsubscribe();
      await projections.stop();
      await store.close();
    }
  });

  it('reports a thread that could not start as not running, and starts it again', async () => {
    const projections = thread({ MONGODB_URL: 'mongodb://127.0.0.1:9/' });
    await projections.start();
    try {
      expect(projections.usage.status().running).toBe(false);
      expect(logs.some((line) => /Projection thread exited; starting it again in 500 ms/.test(line))).toBe(true);
    } finally {
      await projections.stop();
    }
  });
});
