import { jest } from '@jest/globals';
import { ALERT_ARCHIVED } from '../../anomalies/domain/alert-archived.js';
import { ANOMALY_DETECTED, anomalyStreamId } from '../../anomalies/domain/anomaly.js';
import { alertProjection } from '../../anomalies/projection/alert-projection.js';
import type { AlertView } from '../../anomalies/projection/alert-view.js';
import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { InMemoryUsageArchives } from '../../infrastructure/in-memory/in-memory-usage-archives.js';
import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import { keyUsageStreamId } from '../domain/key-used.js';
import { archiveUsage } from './archive-usage.js';

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const OLD = 'a'.repeat(32);
const RECENT = 'b'.repeat(32);
const NEWER_VERSION = 'c'.repeat(32);
const ADDRESSES = Array.from({ length: 10 }, (_, i) => `198.51.100.${i + 1}`);
const RECENT_ADDRESSES = Array.from({ length: 10 }, (_, i) => `203.0.113.${i + 1}`);

const alertData = (alertId: string, addresses = ADDRESSES) => ({
  alertId,
  rule: 'many_addresses',
  keyId: 'k1',
  accountId: 'acme',
  ip: null,
  evidence: { addresses, count: 10 },
  windowStart: 'ws',
  windowEnd: 'we',
  detectedAt: 'd',
});

async function at<T>(time: number, append: () => Promise<T>): Promise<T> {
  jest.setSystemTime(time);
  return append();
}

/** The alert views as folding what the log holds now (a rebuild) would have them. */
async function rebuiltAlerts(store: InMemoryEventStore): Promise<Map<string, AlertView>> {
  const views = new Map<string, AlertView>();
  for (const event of await store.readAll({ after: null, maxCount: 10_000, types: alertProjection.eventTypes })) {
    const id = alertProjection.viewIdOf(event);
    const view = alertProjection.apply(views.get(id), event);
    if (view) views.set(id, view);
  }
  return views;
}

const holdsAnAddress = (value: unknown) => ADDRESSES.some((address) => JSON.stringify(value).includes(address));

describe('archiveUsage and alerts', () => {
  let store: InMemoryEventStore;
  let files: InMemoryUsageArchives;
  const options = { before: new Date(T0 + 5 * DAY_MS), now: new Date(T0 + 30 * DAY_MS) };

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    store = new InMemoryEventStore();
    files = new InMemoryUsageArchives();
    const use = { type: 'KeyUsed', schemaVersion: 1, data: { keyId: 'k1', accountId: 'acme', usedAt: new Date(T0 + DAY_MS).toISOString(), requestId: 'r', ip: ADDRESSES[0], userAgent: 'ua', method: 'GET', path: '/x', outcome: 'accepted' } };
    await at(T0 + DAY_MS, () => store.appendToStream(keyUsageStreamId('k1'), [use], 'any'));
    await at(T0 + 2 * DAY_MS, () => store.appendToStream(anomalyStreamId(OLD), [{ type: ANOMALY_DETECTED, schemaVersion: 1, data: alertData(OLD) }], 'no_stream'));
    // A newer version's alert, whose fields this version cannot read: it stays, as a newer version's use does.
    await at(T0 + 3 * DAY_MS, () => store.appendToStream(anomalyStreamId(NEWER_VERSION), [{ type: ANOMALY_DETECTED, schemaVersion: 2, data: { id: NEWER_VERSION } }], 'no_stream'));
    await at(T0 + 20 * DAY_MS, () => store.appendToStream(anomalyStreamId(RECENT), [{ type: ANOMALY_DETECTED, schemaVersion: 1, data: alertData(RECENT, RECENT_ADDRESSES) }], 'no_stream'));
  });

  afterEach(() => jest.useRealTimers());

  it('moves the alerts logged before `before` into the file with the uses, leaving an AlertArchived without address or evidence; the views rebuilt from the log list only the others', async () => {
    const report = await archiveUsage(store, files, options);

    expect(report).toMatchObject({ events: 2, usageStreams: 1, failureStreams: 0, alerts: 1, removed: 2 });
    expect(files.written[0].events.map((event) => [event.type, event.streamId])).toEqual([
      ['KeyUsed', keyUsageStreamId('k1')],
      [ANOMALY_DETECTED, anomalyStreamId(OLD)],
    ]);
    const [archived] = await store.readStream(anomalyStreamId(OLD));
    expect(await store.readStream(anomalyStreamId(OLD))).toHaveLength(1);
    expect(archived).toMatchObject({ type: ALERT_ARCHIVED, revision: 1, data: { alertId: OLD, rule: 'many_addresses', file: 'a1.jsonl.gz' } });
    expect(holdsAnAddress(await store.readAll({ after: null, maxCount: 10_000 }))).toBe(false);
    expect(await store.readStream(anomalyStreamId(NEWER_VERSION))).toHaveLength(1);

    const views = await rebuiltAlerts(store);
    expect(views.get(RECENT)).toMatchObject({ accountId: 'acme', evidence: { addresses: RECENT_ADDRESSES } });
    expect(views.get(OLD)).toMatchObject({ accountId: null, keyId: null, ip: null, evidence: {} });
  });

  it('keeps the archived alert from being raised again: its stream still exists', async () => {
    await archiveUsage(store, files, options);
    await expect(store.appendToStream(anomalyStreamId(OLD), [{ type: ANOMALY_DETECTED, schemaVersion: 1, data: alertData(OLD) }], 'no_stream')).rejects.toThrow(ConcurrencyError);
  });

  it('cut short before it removed the alert, the next run removes it without writing or archiving it again; a later run finds nothing', async () => {
    const removeStreamStart = jest.spyOn(store, 'removeStreamStart').mockRejectedValueOnce(new Error('killed'));
    await expect(archiveUsage(store, files, options)).rejects.toThrow('killed');
    removeStreamStart.mockRestore();
    // The use's stream was first: its start is still there too, and goes into the next run's file again.
    const again = await archiveUsage(store, files, options);

    // Removed: the use and its run's UsageArchived (taken along), and the alert.
    expect(again).toMatchObject({ alerts: 0, removed: 3 });
    expect(files.written[1].events.map((event) => event.type)).not.toContain(ANOMALY_DETECTED);
    expect((await store.readStream(anomalyStreamId(OLD))).map((event) => event.type)).toEqual([ALERT_ARCHIVED]);
    expect(holdsAnAddress(await store.readAll({ after: null, maxCount: 10_000 }))).toBe(false);
    await expect(archiveUsage(store, files, options)).resolves.toMatchObject({ events: 0, alerts: 0, removed: 0 });
  });

  it('counts the alerts on a dry run, and changes nothing', async () => {
    await expect(archiveUsage(store, files, { ...options, dryRun: true })).resolves.toMatchObject({ alerts: 1, file: null });
    expect(await store.readStream(anomalyStreamId(OLD))).toMatchObject([{ type: ANOMALY_DETECTED }]);
  });
});
