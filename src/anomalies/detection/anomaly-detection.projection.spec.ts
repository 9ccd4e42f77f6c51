import { jest } from '@jest/globals';
import { InMemoryDetectorSnapshotStore } from '../../infrastructure/in-memory/in-memory-detector-snapshot-store.js';
import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { ANOMALY_DETECTED } from '../domain/anomaly.js';
import { DEFAULT_ANOMALY_THRESHOLDS } from '../domain/anomaly-thresholds.js';
import { type DetectorInput, detect, initialDetectorState } from '../domain/anomaly-detector.js';
import { restoreDetectorState, SNAPSHOT_VERSION } from '../domain/detector-snapshot.js';
import { wholeSnapshotText } from '../../../test/support/whole-detector-snapshot.js';
import { AnomalyDetectionProjection } from './anomaly-detection.projection.js';

const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const MINUTE = 60_000;

const keyUsed = (keyId: string, atMs: number, requestId = `${keyId}-${atMs}`) => ({
  type: 'KeyUsed',
  schemaVersion: 1,
  data: { keyId, accountId: 'acme', usedAt: new Date(atMs).toISOString(), requestId, ip: '198.51.100.1', userAgent: 'ua', method: 'GET', path: '/p', outcome: 'accepted' },
});

/** A key with 30 steady minutes of 5 uses, then a minute of 80: one rate_spike, on the far side of any cut. */
async function logWithSpike(): Promise<{ store: InMemoryEventStore; events: RecordedEvent[] }> {
  const store = new InMemoryEventStore();
  await store.appendToStream('api_key-k1', [{ type: 'KeyCreated', schemaVersion: 1, data: { keyId: 'k1', accountId: 'acme', createdAt: new Date(T0).toISOString() } }], 'no_stream');
  const uses = [];
  for (let minute = 0; minute <= 30; minute++) {
    const count = minute === 30 ? 80 : 5;
    for (let i = 0; i < count; i++) {
      uses.push(keyUsed('k1', T0 + minute * MINUTE + Math.floor((i * MINUTE) / count), `r${minute}-${i}`));
    }
  }
  await store.appendToStreams([{ streamId: 'api_key_usage-k1', events: uses, expectedRevision: 'any' }]);
  return { store, events: await store.readAll({ after: null, maxCount: 10_000 }) };
}

const alerts = async (store: InMemoryEventStore) =>
  (await store.readAll({ after: null, maxCount: 10_000, types: [ANOMALY_DETECTED] })).map((e) => e.data);

describe('AnomalyDetectionProjection snapshots', () => {
  const clock = { now: () => 0, snapshotEveryMs: 60_000 };

  it('resumes after a stop from its snapshot, reading only what came after, with the alerts of an uninterrupted run', async () => {
    const uninterrupted = await logWithSpike();
    const whole = new AnomalyDetectionProjection(uninterrupted.store, DEFAULT_ANOMALY_THRESHOLDS, new InMemoryDetectorSnapshotStore(), clock);
    await whole.checkpoint();
    await whole.handle(uninterrupted.events);
    expect((await alerts(uninterrupted.store)).map((a) => a.rule)).toEqual(['rate_spike']);

    const { store, events } = await logWithSpike();
    const snapshots = new InMemoryDetectorSnapshotStore();
    // Minute 25: without the snapshot's history the spike minute would have too short a baseline to be judged.
    const cut = 1 + 25 * 5;
    const first = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, clock);
    expect(await first.checkpoint()).toBeNull();
    await first.handle(events.slice(0, cut));
    await first.close();

    const second = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, clock);
    expect(await second.checkpoint()).toBe(events[cut - 1].position);
    await second.handle(events.slice(cut));
    expect(await alerts(store)).toEqual(await alerts(uninterrupted.store));
  });

  it('replays from the start when the snapshot was taken under other thresholds', async () => {
    const { store, events } = await logWithSpike();
    const snapshots = new InMemoryDetectorSnapshotStore();
    const first = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, clock);
    await first.checkpoint();
    await first.handle(events.slice(0, 50));
    await first.close();
    const other = new AnomalyDetectionProjection(store, { ...DEFAULT_ANOMALY_THRESHOLDS, spikeFactor: 3 }, snapshots, clock);
    expect(await other.checkpoint()).toBeNull();
  });

  describe('after a change of thresholds', () => {
    const A = { ...DEFAULT_ANOMALY_THRESHOLDS, failedAuthBurstCount: 5 };
    const B = { ...DEFAULT_ANOMALY_THRESHOLDS, failedAuthBurstCount: 3 };
    /** Failures of unknown keys from one address, one a second from `startMs`. */
    const failures = (store: InMemoryEventStore, ip: string, count: number, startMs: number) =>
      store.appendToStream(
        'auth_failures-2026-03-02',
        Array.from({ length: count }, (_, i) => ({
          type: 'AuthenticationFailed',
          schemaVersion: 1,
          data: { failedAt: new Date(startMs + i * 1000).toISOString(), requestId: `${ip}-${startMs}-${i}`, ip, userAgent: null, method: 'GET', path: '/p', reason: 'unknown', keyId: null, accountId: null },
        })),
        'any',
      );
    const inputs = (store: InMemoryEventStore, after: number | null) =>
      store.readAll({ after, maxCount: 10_000, types: ['AuthenticationFailed'] });
    const windowsOf = async (store: InMemoryEventStore) => (await alerts(store)).map((a) => [a.ip, a.windowEnd]);
    /** A burst of 5 from one address, judged (and alerted) under A by a detector that then stopped, saving its snapshot. */
    const judgedUnderA = async () => {
      const store = new InMemoryEventStore();
      const snapshots = new InMemoryDetectorSnapshotStore();
      await failures(store, '203.0.113.1', 5, T0);
      const first = new AnomalyDetectionProjection(store, A, snapshots, clock);
      await first.checkpoint();
      await first.handle(await inputs(store, null));
      await first.close();
      return { store, snapshots };
    };

    it('raises nothing for the events judged before the restart, and judges later ones by the new thresholds', async () => {
      const { store, snapshots } = await judgedUnderA();
      const judged = await windowsOf(store);
      expect(judged).toEqual([['203.0.113.1', new Date(T0 + 4000).toISOString()]]);

      // Under B the old burst would have been complete at its third failure: another window, so another alert id.
      const second = new AnomalyDetectionProjection(store, B, snapshots, clock);
      expect(await second.checkpoint()).toBeNull();
      await second.handle(await inputs(store, null));
      expect(await windowsOf(store)).toEqual(judged);

      await failures(store, '198.51.100.2', 3, T0 + MINUTE);
      const old = (await snapshots.load())!.position;
      await second.handle(await inputs(store, old));
      expect(await windowsOf(store)).toEqual([...judged, ['198.51.100.2', new Date(T0 + MINUTE + 2000).toISOString()]]);
    });

    it('on a log that ends before its snapshot (restored from an earlier copy): raises nothing up to that end, and judges what is appended after it', async () => {
      const { store, snapshots } = await judgedUnderA();
      const restored = new InMemoryEventStore();
      for (const event of await store.readAll({ after: null, maxCount: 10_000 })) {
        await restored.appendToStream(event.streamId, [{ type: event.type, schemaVersion: event.schemaVersion, data: event.data }], 'any');
      }
      // The snapshot was taken further on, on the log before the restore.
      await snapshots.save({ ...(await snapshots.load())!, position: 40 });
      const detector = new AnomalyDetectionProjection(restored, A, snapshots, clock);
      expect(await detector.checkpoint()).toBe(40);
      const end = (await restored.endPosition())!;
      expect(await detector.startOverWithin(end)).toBeNull();
      expect(await snapshots.load()).toBeNull();
      await detector.handle(await inputs(restored, null));
      expect(await windowsOf(restored)).toEqual(await windowsOf(store));

      await failures(restored, '198.51.100.2', 5, T0 + MINUTE);
      await detector.handle(await inputs(restored, end));
      expect((await alerts(restored)).map((a) => a.ip)).toEqual(['203.0.113.1', '198.51.100.2']);
    });

    it('keeps the old snapshot when stopped before it has rebuilt up to it, so the next start still knows what was judged', async () => {
      const { store, snapshots } = await judgedUnderA();
      const judged = await snapshots.load();

      const interrupted = new AnomalyDetectionProjection(store, B, snapshots, clock);
      await interrupted.checkpoint();
      await interrupted.handle((await inputs(store, null)).slice(0, 2));
      await interrupted.close();
      expect(await snapshots.load()).toEqual(judged);

      const resumed = new AnomalyDetectionProjection(store, B, snapshots, clock);
      expect(await resumed.checkpoint()).toBeNull();
      await resumed.handle(await inputs(store, null));
      await resumed.close();
      expect((await alerts(store)).map((a) => a.ip)).toEqual(['203.0.113.1']);
      expect((await snapshots.load())?.position).toBe(judged?.position);
      expect((await snapshots.load())?.parts).not.toEqual(judged?.parts);
    });

    it('judges the whole log when it has no snapshot at all (a new store): alerts already in the log keep their ids', async () => {
      const store = new InMemoryEventStore();
      await failures(store, '203.0.113.1', 5, T0);
      for (let run = 0; run < 2; run++) {
        const fresh = new AnomalyDetectionProjection(store, A, new InMemoryDetectorSnapshotStore(), clock);
        expect(await fresh.checkpoint()).toBeNull();
        await fresh.handle(await inputs(store, null));
        expect(await windowsOf(store)).toEqual([['203.0.113.1', new Date(T0 + 4000).toISOString()]]);
      }
    });

    it('after an upgrade from a snapshot that counted IPv6 failures by address (version 5): rebuilt, so the burst stays quiet', async () => {
      // Found in the upgrade audit: f7c39e0 keyed the address bursts by /64 and kept snapshot version 5, so the state
      // 69d73cf saved (2001:db8:5:6::7's burst under the address) was restored as is, the /64 found no burst, and 20
      // more failures in the minute after the alert raised a second one, which the same state rebuilt does not.
      const store = new InMemoryEventStore();
      await failures(store, '2001:db8:5:6::7', 20, T0);
      const state = initialDetectorState();
      for (const event of await inputs(store, null)) detect(state, event as unknown as DetectorInput);
      const saved = wholeSnapshotText(state, DEFAULT_ANOMALY_THRESHOLDS)
        .replace(/"version":\d+/, '"version":5')
        .replace('"2001:db8:5:6::/64"', '"2001:db8:5:6::7"');
      expect(saved).toContain('"ips":[["2001:db8:5:6::7"');
      const snapshots = new InMemoryDetectorSnapshotStore();
      const judgedUntil = (await store.endPosition())!;
      await snapshots.save({ position: judgedUntil, parts: [saved] });
      const upgraded = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, clock);
      await upgraded.checkpoint();
      await upgraded.handle(await inputs(store, null));
      await failures(store, '2001:db8:5:6::7', 20, T0 + 20_000);
      await upgraded.handle(await inputs(store, judgedUntil));
      expect(await windowsOf(store)).toEqual([]);
    });
  });

  describe('key_expiring across a restart that rebuilds the state', () => {
    const EXPIRY = T0 + 30 * 24 * 60 * MINUTE;
    const HOUR = 60 * MINUTE;
    const keyCreated = (keyId: string) => ({
      type: 'KeyCreated',
      schemaVersion: 2,
      data: { keyId, accountId: 'acme', name: null, prefix: 'sk_x', secretHash: 'f'.repeat(64), rateLimit: { requests: 10, perSeconds: 1 }, createdAt: new Date(T0).toISOString(), actingKeyId: null, permissions: ['*'], allowedIps: [], expiresAt: new Date(EXPIRY).toISOString(), rolledFromKeyId: null },
    });
    const append = (store: InMemoryEventStore, streamId: string, events: object[]) =>
      store.appendToStreams([{ streamId, events: events as never, expectedRevision: 'any' }]);
    const expiring = async (store: InMemoryEventStore) =>
      (await alerts(store)).filter((a) => a.rule === 'key_expiring').map((a) => [a.keyId, a.detectedAt, a.alertId]);
    const fresh = async (store: InMemoryEventStore, after: number | null) =>
      (await store.readAll({ after, maxCount: 10_000 })).filter((e) => e.type !== ANOMALY_DETECTED);
    /**
     * What an older version saved after judging the whole log (this version's state, given `version` and stripped of
     * what that version did not hold), then this version started on it: rebuilt silently, no alert for what was judged.
     */
    const upgradedFrom = async (store: InMemoryEventStore, version: number, ...notHeld: RegExp[]) => {
      const state = initialDetectorState();
      for (const event of await fresh(store, null)) detect(state, event as unknown as DetectorInput);
      let saved = wholeSnapshotText(state, DEFAULT_ANOMALY_THRESHOLDS).replace(/"version":\d+/, `"version":${version}`);
      for (const field of notHeld) saved = saved.replace(field, '');
      const snapshots = new InMemoryDetectorSnapshotStore();
      const judgedUntil = (await store.endPosition())!;
      await snapshots.save({ position: judgedUntil, parts: [saved] });
      const upgraded = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, clock);
      expect(await upgraded.checkpoint()).toBeNull();
      await upgraded.handle(await fresh(store, null));
      expect(await alerts(store)).toEqual([]);
      return { saved, snapshots, judgedUntil, upgraded };
    };

    it('after an upgrade from a snapshot of the previous format (no expiries): nothing for uses judged before it, one warning at the key’s next use', async () => {
      const store = new InMemoryEventStore();
      // Created to expire later, then moved to EXPIRY by a PATCH: the detector reads KeyUpdated too.
      const created = keyCreated('k1');
      created.data.expiresAt = new Date(EXPIRY + 60 * 24 * HOUR).toISOString();
      const patched = { keyId: 'k1', accountId: 'acme', updatedAt: new Date(T0 + HOUR).toISOString(), actingKeyId: null, changes: { expiresAt: new Date(EXPIRY).toISOString() } };
      await append(store, 'api_key-k1', [created, { type: 'KeyUpdated', schemaVersion: 1, data: patched }]);
      await append(store, 'api_key_usage-k1', [keyUsed('k1', EXPIRY - 2 * 24 * HOUR)]);
      // What the previous version saved after judging that use, which it had no key_expiring for: version 2, keys without an expiry.
      const { saved, snapshots, judgedUntil, upgraded } = await upgradedFrom(store, 2, /,"expiresAtMs":[^,]*,"expiryWatch":"[a-z]+"/g, /,"expiries":\[[^\]]*\]/);
      expect(saved).not.toContain('expiresAtMs');

      await append(store, 'api_key_usage-k1', [keyUsed('k1', EXPIRY - HOUR), keyUsed('k1', EXPIRY - HOUR + MINUTE)]);
      await upgraded.handle(await fresh(store, judgedUntil));
      expect((await expiring(store)).map(([keyId, detectedAt]) => [keyId, detectedAt])).toEqual([['k1', new Date(EXPIRY - HOUR).toISOString()]]);
      await upgraded.close();
      expect((await snapshots.load())!.parts.join('\n')).toContain(`"version":${SNAPSHOT_VERSION}`);
    });

    it('after an upgrade from the first build of snapshot version 4 (short watches, no queue of expiries): rebuilt, and a key used before its window is warned as time passes', async () => {
      // Found in the audit of 2026-12-06: e8b11a6 saved version-4 snapshots without `expiries`; 8282c30 added the queue
      // under the same version, restored such a snapshot with no queue, and its detector failed on every event from then
      // on ("Cannot read properties of undefined (reading 'length')"): no alert of any rule was raised again.
      const store = new InMemoryEventStore();
      await append(store, 'api_key-k1', [keyCreated('k1')]);
      await append(store, 'api_key_usage-k1', [keyUsed('k1', EXPIRY - 8 * 24 * HOUR)]);
      const { saved, snapshots, judgedUntil, upgraded } = await upgradedFrom(store, 4, /,"expiries":\[[^\]]*\]/);
      expect(saved).not.toContain('expiries');

      // Another key's use inside k1's window: k1, used before it, is warned as time passes.
      await append(store, 'api_key_usage-k2', [keyUsed('k2', EXPIRY - 6 * 24 * HOUR)]);
      await upgraded.handle(await fresh(store, judgedUntil));
      expect((await alerts(store)).map((a) => [a.rule, a.keyId, a.ip, a.detectedAt])).toEqual([
        ['key_expiring', 'k1', null, new Date(EXPIRY - 6 * 24 * HOUR).toISOString()],
      ]);
      await upgraded.close();
      // The queue is saved (here empty: k1 warned, k2 without an expiry), as the first builds of version 4 did not.
      expect(restoreDetectorState((await snapshots.load())!.parts, DEFAULT_ANOMALY_THRESHOLDS)?.expiries).toEqual([]);
    });

    it('after a change of thresholds: a warning already in the log is not recorded again', async () => {
      const store = new InMemoryEventStore();
      await append(store, 'api_key-k1', [keyCreated('k1')]);
      await append(store, 'api_key_usage-k1', [keyUsed('k1', EXPIRY - 2 * 24 * HOUR)]);
      const snapshots = new InMemoryDetectorSnapshotStore();
      const first = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, clock);
      await first.checkpoint();
      await first.handle(await fresh(store, null));
      await first.close();
      const judged = await expiring(store);
      expect(judged).toHaveLength(1);

      const second = new AnomalyDetectionProjection(store, { ...DEFAULT_ANOMALY_THRESHOLDS, spikeFactor: 8 }, snapshots, clock);
      expect(await second.checkpoint()).toBeNull();
      await second.handle(await fresh(store, null));
      const end = (await store.endPosition())!;
      await append(store, 'api_key_usage-k1', [keyUsed('k1', EXPIRY - HOUR)]);
      await second.handle(await fresh(store, end));
      expect(await expiring(store)).toEqual(judged);
    });
  });

  it('resumes from a snapshot of version 6 (minutes as objects), converted rather than rebuilt from the log', async () => {
    const uninterrupted = await logWithSpike();
    const whole = new AnomalyDetectionProjection(uninterrupted.store, DEFAULT_ANOMALY_THRESHOLDS, new InMemoryDetectorSnapshotStore(), clock);
    await whole.checkpoint();
    await whole.handle(uninterrupted.events);

    const { store, events } = await logWithSpike();
    const cut = 1 + 25 * 5;
    const state = initialDetectorState();
    for (const event of events.slice(0, cut)) detect(state, event as unknown as DetectorInput);
    const { burstHour: _hour, ...current } = JSON.parse(wholeSnapshotText(state, DEFAULT_ANOMALY_THRESHOLDS)) as {
      version: number;
      keys: [string, { minutes: number[] }][];
      thresholds: Record<string, number>;
      burstHour: unknown;
    };
    // Version 6 knew no hour of bursts nor its cap among the thresholds.
    const { failedAuthBurstAlertsPerHour: _cap, ...v6Thresholds } = current.thresholds;
    // Version 6 held [minute, {count, alerted}] entries where this version holds flat [minute, count] pairs.
    const v6Keys = current.keys.map(([id, key]) => {
      const entries = [];
      for (let i = 0; i < key.minutes.length; i += 2) entries.push([key.minutes[i], { count: key.minutes[i + 1], alerted: false }]);
      return [id, { ...key, minutes: entries }];
    });
    const snapshots = new InMemoryDetectorSnapshotStore();
    await snapshots.save({ position: events[cut - 1].position, parts: [JSON.stringify({ ...current, version: 6, thresholds: v6Thresholds, keys: v6Keys })] });

    const upgraded = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, clock);
    expect(await upgraded.checkpoint()).toBe(events[cut - 1].position);
    await upgraded.handle(events.slice(cut));
    expect((await alerts(store)).map((a) => a.rule)).toEqual(['rate_spike']);
    expect(await alerts(store)).toEqual(await alerts(uninterrupted.store));
    await upgraded.close();
    expect((await snapshots.load())!.parts.join('\n')).toContain(`"version":${SNAPSHOT_VERSION}`);
  });

  it('saves a snapshot once the interval has passed, and not before', async () => {
    const { store, events } = await logWithSpike();
    const snapshots = new InMemoryDetectorSnapshotStore();
    let now = 0;
    const projection = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, { now: () => now, snapshotEveryMs: 1000 });
    await projection.checkpoint();
    await projection.handle(events.slice(0, 10));
    expect(await snapshots.load()).toBeNull();
    now = 1000;
    await projection.handle(events.slice(10, 20));
    expect((await snapshots.load())?.position).toBe(events[19].position);
    now = 1500;
    await projection.saveCheckpoint(events[19].position + 1000);
    expect((await snapshots.load())?.position).toBe(events[19].position);
  });

  it('saves a snapshot an interval after the clock stepped back, not once it is back where it was', async () => {
    const { store, events } = await logWithSpike();
    const snapshots = new InMemoryDetectorSnapshotStore();
    let now = 0;
    const projection = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, { now: () => now, snapshotEveryMs: 1000 });
    await projection.checkpoint();
    now = 1000;
    await projection.handle(events.slice(0, 10));
    expect((await snapshots.load())?.position).toBe(events[9].position);
    now = 1000 - 3_600_000; // NTP steps the clock back an hour
    await projection.handle(events.slice(10, 20));
    expect((await snapshots.load())?.position).toBe(events[9].position);
    now += 1000;
    await projection.handle(events.slice(20, 30));
    expect((await snapshots.load())?.position).toBe(events[29].position);
  });

  it('saves a state that takes long to save less often: at most 1/50 of the time', async () => {
    const { store, events } = await logWithSpike();
    let now = 0;
    const slow = new (class extends InMemoryDetectorSnapshotStore {
      override async save(snapshot: Parameters<InMemoryDetectorSnapshotStore['save']>[0]) {
        now += 100;
        await super.save(snapshot);
      }
    })();
    const projection = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, slow, { now: () => now, snapshotEveryMs: 1000 });
    await projection.checkpoint();
    now = 1000;
    await projection.handle(events.slice(0, 10));
    expect((await slow.load())?.position).toBe(events[9].position);
    now += 4000;
    await projection.handle(events.slice(10, 20));
    expect((await slow.load())?.position).toBe(events[9].position);
    now += 1000;
    await projection.handle(events.slice(20, 30));
    expect((await slow.load())?.position).toBe(events[29].position);
  });

  it('keeps detecting when a snapshot cannot be saved, reports it, and tries again an interval later', async () => {
    const { store, events } = await logWithSpike();
    let now = 0;
    let down = true;
    const errors: unknown[] = [];
    const flaky = new (class extends InMemoryDetectorSnapshotStore {
      override async save(snapshot: Parameters<InMemoryDetectorSnapshotStore['save']>[0]) {
        if (down) throw new Error('store down');
        await super.save(snapshot);
      }
    })();
    const projection = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, flaky, {
      now: () => now,
      snapshotEveryMs: 1000,
      onSnapshotError: (error) => errors.push(error),
    });
    await projection.checkpoint();
    now = 1000;
    await projection.handle(events);
    expect(errors).toEqual([new Error('store down')]);
    expect((await alerts(store)).map((a) => a.rule)).toEqual(['rate_spike']);
    down = false;
    now = 1500;
    await projection.saveCheckpoint(events[events.length - 1].position + 1);
    expect(await flaky.load()).toBeNull();
    now = 2000;
    await projection.saveCheckpoint(events[events.length - 1].position + 2);
    expect((await flaky.load())?.position).toBe(events[events.length - 1].position + 2);
  });

  it('folds a redelivered batch in once', async () => {
    const { store, events } = await logWithSpike();
    const once = new InMemoryDetectorSnapshotStore();
    const twice = new InMemoryDetectorSnapshotStore();
    for (const [snapshots, deliveries] of [[once, 1], [twice, 2]] as const) {
      const projection = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, clock);
      await projection.checkpoint();
      for (let i = 0; i < deliveries; i++) await projection.handle(events.slice(0, 120));
      await projection.close();
    }
    expect((await twice.load())?.parts).toEqual((await once.load())?.parts);
  });

  it('appends a finding whose append failed when the batch comes again, folding its events in once', async () => {
    const { store, events } = await logWithSpike();
    let refusals = 1;
    const flaky = new (class extends InMemoryEventStore {
      override async appendToStream(...args: Parameters<InMemoryEventStore['appendToStream']>) {
        if (args[1][0]?.type === ANOMALY_DETECTED && refusals-- > 0) throw new Error('store down');
        return store.appendToStream(...args);
      }
    })();
    const snapshots = new InMemoryDetectorSnapshotStore();
    const projection = new AnomalyDetectionProjection(flaky, DEFAULT_ANOMALY_THRESHOLDS, snapshots, clock);
    await projection.checkpoint();
    await expect(projection.handle(events)).rejects.toThrow('store down');
    expect(await alerts(store)).toEqual([]);
    await projection.close();
    expect(await snapshots.load()).toBeNull();
    await projection.handle(events);
    await projection.close();

    const uninterrupted = await logWithSpike();
    const whole = new InMemoryDetectorSnapshotStore();
    const reference = new AnomalyDetectionProjection(uninterrupted.store, DEFAULT_ANOMALY_THRESHOLDS, whole, clock);
    await reference.checkpoint();
    await reference.handle(uninterrupted.events);
    await reference.close();
    expect(await alerts(store)).toEqual(await alerts(uninterrupted.store));
    expect((await snapshots.load())?.parts).toEqual((await whole.load())?.parts);
  });
});

// The metrics audit of 2026-12-07: no metric counted findings. parsesphere_anomalies_detected_total counts what this
// tells, so a finding detected again at a restart (no snapshot: the whole log judged again) or by another instance
// sharing the log must not be told again.
describe('AnomalyDetectionProjection tells of each finding it records, once', () => {
  const clock = { now: () => 0, snapshotEveryMs: 60_000 };
  const run = async (store: InMemoryEventStore, events: readonly RecordedEvent[]) => {
    const told: string[] = [];
    const projection = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, new InMemoryDetectorSnapshotStore(), {
      ...clock,
      onRecorded: (finding) => told.push(`${finding.rule} ${finding.alertId}`),
    });
    await projection.checkpoint();
    await projection.handle(events);
    return told;
  };

  it('at the append, and not when the same log is judged again (a restart without a snapshot, another instance)', async () => {
    const { store, events } = await logWithSpike();
    const first = await run(store, events);
    const recorded = await alerts(store);
    expect(first).toEqual(recorded.map((a) => `${a.rule} ${a.alertId}`));
    expect(first).toHaveLength(1);
    expect(await run(store, events)).toEqual([]);
    expect(await alerts(store)).toEqual(recorded);
  });

  it('not of a finding whose append failed, until the append that records it', async () => {
    const { store, events } = await logWithSpike();
    let refusals = 1;
    const flaky = new (class extends InMemoryEventStore {
      override async appendToStream(...args: Parameters<InMemoryEventStore['appendToStream']>) {
        if (args[1][0]?.type === ANOMALY_DETECTED && refusals-- > 0) throw new Error('store down');
        return store.appendToStream(...args);
      }
    })();
    const told: string[] = [];
    const projection = new AnomalyDetectionProjection(flaky, DEFAULT_ANOMALY_THRESHOLDS, new InMemoryDetectorSnapshotStore(), {
      ...clock,
      onRecorded: (finding) => told.push(finding.rule),
    });
    await projection.checkpoint();
    await expect(projection.handle(events)).rejects.toThrow('store down');
    expect(told).toEqual([]);
    await projection.handle(events);
    expect(told).toEqual(['rate_spike']);
  });

  // Until 2026-12-07 a finding whose append went through but whose answer was lost (a timeout) was never told: the
  // retry was refused as a duplicate, as if another instance had recorded it.
  it('of a finding whose append went through but whose answer was lost, once, at the retry refused as a duplicate', async () => {
    const { events } = await logWithSpike();
    let lostAnswers = 1;
    const store = new (class extends InMemoryEventStore {
      override async appendToStream(...args: Parameters<InMemoryEventStore['appendToStream']>) {
        const result = await super.appendToStream(...args);
        if (args[1][0]?.type === ANOMALY_DETECTED && lostAnswers-- > 0) throw new Error('append timed out');
        return result;
      }
    })();
    const told: string[] = [];
    const projection = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, new InMemoryDetectorSnapshotStore(), {
      ...clock,
      onRecorded: (finding) => told.push(finding.rule),
    });
    await projection.checkpoint();
    await expect(projection.handle(events)).rejects.toThrow('append timed out');
    expect(told).toEqual([]);
    await projection.handle(events);
    expect(told).toEqual(['rate_spike']);
    expect((await alerts(store)).map((a) => a.rule)).toEqual(['rate_spike']);
    await projection.handle(events);
    expect(told).toEqual(['rate_spike']);
  });

  it('not of a finding another instance recorded while its own append failed before reaching the log', async () => {
    const { store, events } = await logWithSpike();
    let failures = 1;
    const flaky = new (class extends InMemoryEventStore {
      override async appendToStream(...args: Parameters<InMemoryEventStore['appendToStream']>) {
        const [streamId, [event]] = args;
        if (event?.type !== ANOMALY_DETECTED || failures-- <= 0) return store.appendToStream(...args);
        // Another instance, detecting the same finding, records it under an id of its own; this attempt never lands.
        await store.appendToStream(streamId, [{ ...event, id: undefined }], 'no_stream');
        throw new Error('store down');
      }
      override readStream(...args: Parameters<InMemoryEventStore['readStream']>) {
        return store.readStream(...args);
      }
    })();
    const told: string[] = [];
    const projection = new AnomalyDetectionProjection(flaky, DEFAULT_ANOMALY_THRESHOLDS, new InMemoryDetectorSnapshotStore(), {
      ...clock,
      onRecorded: (finding) => told.push(finding.rule),
    });
    await projection.checkpoint();
    await expect(projection.handle(events)).rejects.toThrow('store down');
    await projection.handle(events);
    expect(told).toEqual([]);
    expect((await alerts(store)).map((a) => a.rule)).toEqual(['rate_spike']);
  });
});

describe('AnomalyDetectionProjection and events of a newer version of the service', () => {
  const at = (second: number) => new Date(T0 + 31 * MINUTE + second * 1000).toISOString();
  /** What a newer version might write: an address as an object, a failure that names no key by leaving keyId out, a type of its own. */
  const newer = [
    { type: 'KeyUsed', schemaVersion: 2, data: { keyId: 'k1', accountId: 'acme', usedAt: at(0), requestId: 'n0', ip: { v4: '198.51.100.1' }, outcome: 'accepted' } },
    ...Array.from({ length: 25 }, (_, i) => ({
      type: 'AuthenticationFailed',
      schemaVersion: 2,
      data: { failedAt: at(i), requestId: `f${i}`, ip: `203.0.113.${i}`, reason: 'unknown', client: { ip: `203.0.113.${i}` } },
    })),
    { type: 'KeyFrozen', schemaVersion: 1, data: { keyId: 'k1', accountId: 'acme', frozenAt: at(30) } },
  ];

  it('skips them with one warn line per type and version, neither failing nor alerting, and judges the rest as before', async () => {
    const { store, events } = await logWithSpike();
    await store.appendToStreams([{ streamId: 'newer-1', events: [...newer, ...newer], expectedRevision: 'any' }]);
    const all = await store.readAll({ after: null, maxCount: 10_000 });
    const warnings: string[] = [];
    const projection = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, new InMemoryDetectorSnapshotStore(), { ...clockOf(), onSkipped: (message) => warnings.push(message) });
    await projection.checkpoint();
    await projection.handle(all.filter((e) => e.type !== ANOMALY_DETECTED));
    expect((await alerts(store)).map((a) => [a.rule, a.keyId])).toEqual([['rate_spike', 'k1']]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^Anomaly detector: KeyUsed \(schema version 2\) at position \d+ was written by a newer version of the service.*skipped/);
    expect(warnings.join('\n')).toContain('AuthenticationFailed (schema version 2)');
    expect(warnings.join('\n')).toContain('KeyFrozen (schema version 1)');
    expect(events.length).toBeGreaterThan(0);
  });
});

function clockOf() {
  return { now: () => 0, snapshotEveryMs: 60_000 };
}

describe('AnomalyDetectionProjection closes an hour of address bursts by the clock when no event comes', () => {
  // The summary of an hour's unalerted bursts waited for the first event after the hour: on a quiet log, hours.
  const HOUR = 60 * MINUTE;
  const t = { ...DEFAULT_ANOMALY_THRESHOLDS, failedAuthBurstCount: 3, failedAuthBurstAlertsPerHour: 2 };
  const failure = (ip: string, atMs: number) => ({
    type: 'AuthenticationFailed',
    schemaVersion: 1,
    data: { failedAt: new Date(atMs).toISOString(), requestId: `${ip}-${atMs}`, ip, userAgent: null, method: 'GET', path: '/p', reason: 'unknown', keyId: null as string | null, accountId: null as string | null },
  });
  /** A burst of 3 from each of 5 /24s in the hour from T0: 2 alerted, 3 for the summary. */
  const attack = () => Array.from({ length: 5 }, (_, n) => [0, 1, 2].map((i) => failure(`198.51.${n}.7`, T0 + n * MINUTE + i * 1000))).flat();
  const append = (store: InMemoryEventStore, events: ReturnType<typeof failure>[]) => store.appendToStream('auth_failures-2026-03-02', events, 'any');
  const fresh = async (store: InMemoryEventStore, now: { ms: number }, snapshots = new InMemoryDetectorSnapshotStore()) => {
    const projection = new AnomalyDetectionProjection(store, t, snapshots, { snapshotEveryMs: 60_000, now: () => now.ms });
    await projection.checkpoint();
    return projection;
  };
  const summaries = async (store: InMemoryEventStore) => (await alerts(store)).filter((a) => (a.evidence as { summary?: boolean }).summary);
  const inputs = (store: InMemoryEventStore, after: number | null) => store.readAll({ after, maxCount: 10_000, types: ['AuthenticationFailed'] });

  it('raises the summary a minute after the hour with no event, the same as the next event raises it, and once', async () => {
    // By the next event (before this change, the only way).
    const byEvent = new InMemoryEventStore();
    await append(byEvent, [...attack(), failure('192.0.2.1', T0 + 5 * HOUR)]);
    await (await fresh(byEvent, { ms: 0 })).handle(await inputs(byEvent, null));
    const [expected] = await summaries(byEvent);
    expect(expected).toEqual(expect.objectContaining({ windowEnd: new Date(T0 + HOUR).toISOString(), detectedAt: new Date(T0 + HOUR).toISOString() }));
    expect(expected.evidence).toEqual(expect.objectContaining({ bursts: 5, alerted: 2, unalerted: 3 }));

    // By the clock, on a quiet log.
    const store = new InMemoryEventStore();
    await append(store, attack());
    const now = { ms: T0 + HOUR - 1 };
    const projection = await fresh(store, now);
    await projection.handle(await inputs(store, null));
    await projection.tick();
    now.ms = T0 + HOUR + MINUTE - 1;
    await projection.tick();
    expect(await summaries(store)).toEqual([]);
    now.ms = T0 + HOUR + MINUTE;
    await projection.tick();
    expect(await summaries(store)).toEqual([expected]);
    await projection.tick();

    // A burst logged late with a time in the closed hour, then the next event: no second summary. The burst counts in
    // the hour now open (T0 + 1 h), as one logged after the next event always did, and is judged there.
    await append(store, [...[0, 1, 2].map((i) => failure('198.51.0.7', T0 + 50 * MINUTE + i * 1000)), failure('192.0.2.1', T0 + 5 * HOUR)]);
    await projection.handle(await inputs(store, (await inputs(store, null))[14].position));
    expect(await summaries(store)).toEqual([expected]);
    expect((await alerts(store)).filter((a) => a.ip === '198.51.0.7')).toHaveLength(2);

    // A replay of the whole log after the fact finds the same summary, which the log refuses: still one.
    await (await fresh(store, now)).handle(await inputs(store, null));
    expect(await summaries(store)).toEqual([expected]);
  });

  it('ticks by itself every tickEveryMs once started, and not after it is stopped', async () => {
    jest.useFakeTimers({ now: T0 + HOUR + MINUTE });
    try {
      const store = new InMemoryEventStore();
      await append(store, attack());
      const projection = new AnomalyDetectionProjection(store, t, new InMemoryDetectorSnapshotStore(), { snapshotEveryMs: 60_000, now: Date.now, tickEveryMs: MINUTE });
      await projection.checkpoint();
      await projection.handle(await inputs(store, null));
      expect(await summaries(store)).toEqual([]);
      await jest.advanceTimersByTimeAsync(MINUTE);
      expect(await summaries(store)).toHaveLength(1);

      const stopped = new InMemoryEventStore();
      await append(stopped, attack());
      const other = new AnomalyDetectionProjection(stopped, t, new InMemoryDetectorSnapshotStore(), { snapshotEveryMs: 60_000, now: Date.now, tickEveryMs: MINUTE });
      await other.checkpoint();
      await other.handle(await inputs(stopped, null));
      other.stop();
      await jest.advanceTimersByTimeAsync(5 * MINUTE);
      expect(await summaries(stopped)).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('leaves the hour to the next event while the log holds one it has not folded', async () => {
    const store = new InMemoryEventStore();
    await append(store, attack());
    const now = { ms: T0 + 3 * HOUR };
    const projection = await fresh(store, now);
    const folded = await inputs(store, null);
    await projection.handle(folded.slice(0, 13));
    await projection.tick();
    expect(await summaries(store)).toEqual([]);
    await projection.handle(folded.slice(13));
    await projection.tick();
    expect((await summaries(store)).map((s) => s.evidence)).toEqual([expect.objectContaining({ bursts: 5, unalerted: 3 })]);
  });

  it("raises by the clock, with no event after the hour, each account's summary of its expired keys' bursts as the next event would", async () => {
    const refusal = (keyId: string, accountId: string, atMs: number) => ({
      ...failure('10.20.0.1', atMs),
      data: { ...failure('10.20.0.1', atMs).data, requestId: `${keyId}-${atMs}`, reason: 'expired', keyId, accountId },
    });
    // 3 refusals of each of 3 keys of two accounts: under a cap of 2 an hour, 2 alerted and 1 counted in each.
    const batch = ['acme', 'globex'].flatMap((account) => ['a', 'b', 'c'].flatMap((key) => [0, 1, 2].map((i) => refusal(`${account}-${key}`, account, T0 + i * 1000))));
    const byEvent = new InMemoryEventStore();
    await append(byEvent, [...batch, failure('192.0.2.1', T0 + 5 * HOUR)]);
    await (await fresh(byEvent, { ms: 0 })).handle(await inputs(byEvent, null));
    const expected = await summaries(byEvent);
    expect(expected.map((a) => [a.accountId, a.keyId, (a.evidence as { unalerted: number }).unalerted])).toEqual([
      ['acme', null, 1],
      ['globex', null, 1],
    ]);

    const store = new InMemoryEventStore();
    await append(store, batch);
    const now = { ms: T0 + HOUR + MINUTE - 1 };
    const projection = await fresh(store, now);
    await projection.handle(await inputs(store, null));
    await projection.tick();
    expect(await summaries(store)).toEqual([]);
    now.ms = T0 + HOUR + MINUTE;
    await projection.tick();
    await projection.tick();
    expect(await summaries(store)).toEqual(expected);
  });

  it('closes by the clock an hour restored from a snapshot taken in the middle of it, and saves it closed', async () => {
    const store = new InMemoryEventStore();
    await append(store, attack());
    const snapshots = new InMemoryDetectorSnapshotStore();
    const now = { ms: T0 + 30 * MINUTE };
    const first = await fresh(store, now, snapshots);
    await first.handle(await inputs(store, null));
    await first.close();
    const saved = await snapshots.load();
    expect(JSON.parse(saved!.parts[0])).toEqual(expect.objectContaining({ version: SNAPSHOT_VERSION, burstHour: expect.objectContaining({ alerts: 2 }) }));

    const second = await fresh(store, now, snapshots);
    now.ms = T0 + HOUR + 2 * MINUTE;
    await second.tick();
    expect((await summaries(store)).map((s) => s.evidence)).toEqual([expect.objectContaining({ bursts: 5, alerted: 2, unalerted: 3 })]);
    await second.close();
    const header = JSON.parse((await snapshots.load())!.parts[0]);
    expect([header.burstHour, header.counts.hourNetworks]).toEqual([{ hour: Math.floor(T0 / HOUR) + 1, alerts: 0, loudestAlerted: 0 }, 0]);
  });
});
