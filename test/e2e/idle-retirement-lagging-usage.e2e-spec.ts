import request from 'supertest';
import { ClockWatchService } from '../../src/app/clock/clock-watch.service.js';
import { KeyTableCaughtUpOnMiss } from '../../src/keys/authentication/key-table-caught-up-on-miss.js';
import { KeyExpiryScheduler } from '../../src/keys/commands/expire-api-keys/key-expiry-scheduler.js';
import { apiKeyStreamId } from '../../src/keys/domain/api-key-events.js';
import { hashApiKey } from '../../src/keys/domain/api-key-secret.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import type { PeriodicTask } from '../../src/shared/runtime/periodic-task.js';
import { KEY_USED, keyUsageStreamId } from '../../src/usage/domain/key-used.js';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../../src/usage/projection/key-usage-read-model.port.js';
import { KeyUsageSummaryTable } from '../../src/usage/projection/key-usage-summary-table.js';
import { UsageRecorder } from '../../src/usage/recording/usage-recorder.js';
import { bearer } from '../support/auth.js';
import { createKey, expectRefusedLikeRevoked, freezeClock } from '../support/keys.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';

// The soak audit's case: the usage views (role 'statistics') lagged the log by 20 minutes on a slow FerretDB, and a
// rolled key with close_when_idle_seconds, in use all along, was expired as idle 30 s after the roll. Here the usage
// views are held back in process: the stored views answer as they stood at the roll, the summary table takes nothing.
// The log reads the usage flush after the deadline plus a second: USAGE_FLUSH_INTERVAL_MS (100) + 1000.
const SETTLE_MS = 1100;

describe.each(backends())('Idle retirement while the usage views lag the log (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ backend });
    admin = (await t.bootstrapKey('acme')).key;
    // Passes only when a test runs one: one of its own every second could land between a test's steps.
    await (t.app.get(KeyExpiryScheduler) as unknown as { passes: PeriodicTask }).passes.stop();
  });
  afterAll(() => t.destroy());

  const store = () => t.app.get<EventStore>(EVENT_STORE);
  const lifecycle = async (id: string) => (await store().readStream(apiKeyStreamId(id))).map((event) => [event.type, event.data.reason, event.data.expiredAt]);
  const use = (key: string) => request(t.http).get('/v1/api-keys').set(bearer(key));
  const pass = () => t.app.get(KeyExpiryScheduler).runOnce();

  /** The usage views frozen from now on: the stored ones as they stand, the summary table taking no update. */
  function holdBackUsageViews(): () => void {
    const views = t.app.get<KeyUsageReadModel>(KEY_USAGE_READ_MODEL);
    const summaries = t.app.get(KeyUsageSummaryTable);
    const { getMany } = views;
    const { applyPacked } = summaries;
    const frozen = new Map<string, Awaited<ReturnType<KeyUsageReadModel['getMany']>> extends Map<string, infer V> ? V | null : never>();
    views.getMany = async (ids) => {
      const missing = ids.filter((id) => !frozen.has(id));
      const read = await getMany.call(views, missing);
      for (const id of missing) frozen.set(id, read.has(id) ? structuredClone(read.get(id)!) : null);
      return new Map(ids.flatMap((id) => (frozen.get(id) ? [[id, frozen.get(id)!] as const] : [])));
    };
    summaries.applyPacked = () => undefined;
    return () => {
      views.getMany = getMany;
      summaries.applyPacked = applyPacked;
    };
  }

  /** A use served by another instance, as its flush appends it. */
  const usedElsewhere = (keyId: string, at: number) =>
    store().appendToStreams([
      {
        streamId: keyUsageStreamId(keyId),
        events: [
          {
            type: KEY_USED,
            schemaVersion: 1,
            data: { keyId, accountId: 'acme', usedAt: new Date(at).toISOString(), requestId: `elsewhere-${at}`, ip: '10.0.0.2', userAgent: null, method: 'GET', path: '/v1/api-keys', outcome: 'accepted' },
          },
        ],
        expectedRevision: 'any',
      },
    ]);

  async function rolled(closeWhenIdleSeconds: number, graceSeconds = 600) {
    const old = await createKey(t, admin);
    const res = await request(t.http).post(`/v1/api-keys/${old.id}/roll`).set(bearer(admin)).send({ grace_seconds: graceSeconds, close_when_idle_seconds: closeWhenIdleSeconds }).expect(201);
    return { ...old, rolledAt: Date.parse(res.body.rolled.rotation.rolled_at) };
  }

  it("counts this instance's own uses at once: a key used every 5 s is not idle 30 s after the roll", async () => {
    const old = await rolled(30);
    const release = holdBackUsageViews();
    // Not even in the log yet: this instance's flushes held back too.
    const recorder = t.app.get(UsageRecorder);
    recorder.flush = async () => undefined;
    const clock = freezeClock(t, old.rolledAt);
    try {
      for (let at = 5_000; at <= 30_000; at += 5_000) {
        clock.set(old.rolledAt + at);
        await use(old.key).expect(200);
      }
      clock.set(old.rolledAt + 30_000 + SETTLE_MS);
      await pass();
      expect(await lifecycle(old.id)).toEqual([['KeyCreated', undefined, undefined], ['KeyRolled', undefined, undefined]]);
      await use(old.key).expect(200);
      // Unused since +30 s + SETTLE_MS: idle 30 s after that use, recorded once the log has been read past it.
      const lastUse = old.rolledAt + 30_000 + SETTLE_MS;
      clock.set(lastUse + 30_000 + SETTLE_MS);
      await pass();
      expect(await lifecycle(old.id)).toEqual([
        ['KeyCreated', undefined, undefined],
        ['KeyRolled', undefined, undefined],
        ['KeyExpired', 'idle', new Date(lastUse + 30_000).toISOString()],
      ]);
      await expectRefusedLikeRevoked(t, old.key);
    } finally {
      delete (recorder as Partial<UsageRecorder>).flush;
      clock.restore();
      release();
    }
  });

  it("counts another instance's uses from the log, whatever the usage views hold, in the scheduler and on the request path alike", async () => {
    const old = await rolled(30);
    const release = holdBackUsageViews();
    const clock = freezeClock(t, old.rolledAt + 31_000 + SETTLE_MS);
    try {
      await usedElsewhere(old.id, old.rolledAt + 10_000);
      await usedElsewhere(old.id, old.rolledAt + 25_000);
      await pass();
      expect((await lifecycle(old.id)).map(([type]) => type)).toEqual(['KeyCreated', 'KeyRolled']);
      // This instance has not served it since the roll: the request path counts the other instance's uses too.
      await use(old.key).expect(200);
      expect((await lifecycle(old.id)).map(([type]) => type)).toEqual(['KeyCreated', 'KeyRolled']);
    } finally {
      clock.restore();
      release();
    }
  });

  it("waits a usage flush and a second past the deadline for another instance's last uses, and counts a use flushed then", async () => {
    const old = await rolled(30);
    const release = holdBackUsageViews();
    const deadline = old.rolledAt + 30_000;
    const clock = freezeClock(t, deadline + SETTLE_MS - 1);
    try {
      // Due by what the log holds, but a use made just before the deadline may still be in another instance's buffer.
      await pass();
      expect((await lifecycle(old.id)).map(([type]) => type)).toEqual(['KeyCreated', 'KeyRolled']);
      await usedElsewhere(old.id, deadline - 50);
      clock.set(deadline + SETTLE_MS);
      await pass();
      expect((await lifecycle(old.id)).map(([type]) => type)).toEqual(['KeyCreated', 'KeyRolled']);
      clock.set(deadline - 50 + 30_000 + SETTLE_MS);
      await pass();
      expect((await lifecycle(old.id)).at(-1)).toEqual(['KeyExpired', 'idle', new Date(deadline - 50 + 30_000).toISOString()]);
    } finally {
      clock.restore();
      release();
    }
  });

  it('reads at most 5,000 uses from the log a pass, and decides nothing until it has read them all', async () => {
    const old = await rolled(30);
    const release = holdBackUsageViews();
    const uses = Array.from({ length: 6_000 }, (_, at) => ({
      type: KEY_USED,
      schemaVersion: 1,
      data: { keyId: old.id, accountId: 'acme', usedAt: new Date(old.rolledAt + at).toISOString(), requestId: `elsewhere-${at}`, ip: null, userAgent: null, method: null, path: null, outcome: 'accepted' },
    }));
    await store().appendToStreams([{ streamId: keyUsageStreamId(old.id), events: uses, expectedRevision: 'any' }]);
    const clock = freezeClock(t, old.rolledAt + 60_000);
    try {
      // Idle since +6 s by every use, but a pass read only the first 5,000 of them: nothing is decided on part of them.
      await pass();
      expect((await lifecycle(old.id)).map(([type]) => type)).toEqual(['KeyCreated', 'KeyRolled']);
      await use(old.key).expect(200);
      clock.set(old.rolledAt + 60_000 + 30_000 + SETTLE_MS);
      await pass();
      await pass();
      expect((await lifecycle(old.id)).at(-1)).toEqual(['KeyExpired', 'idle', new Date(old.rolledAt + 90_000).toISOString()]);
    } finally {
      clock.restore();
      release();
    }
  });

  it('records the grace end, not idleness, for a key in use up to its grace end', async () => {
    const old = await rolled(30, 60);
    const release = holdBackUsageViews();
    const clock = freezeClock(t, old.rolledAt);
    try {
      for (let at = 10_000; at < 60_000; at += 10_000) {
        clock.set(old.rolledAt + at);
        await use(old.key).expect(200);
      }
      await t.app.get(UsageRecorder).flush();
      clock.set(old.rolledAt + 60_000);
      await pass();
      expect((await lifecycle(old.id)).at(-1)).toEqual(['KeyExpired', 'grace_ended', new Date(old.rolledAt + 60_000).toISOString()]);
    } finally {
      clock.restore();
      release();
    }
  });

  // Last: the other instance's heartbeats, dated by the frozen clock, outlive it.
  it('is not retired idle by an instance that did not serve it, while the instance that did keeps it in use', async () => {
    // A second instance on the same DATA_DIR (and database) serves the old key; this one, its usage views held back, decides.
    const other = await startTestApp({ backend, reuse: { dataDir: t.dataDir, mongoDb: (t as TestApp & { mongoDb?: string }).mongoDb } });
    const old = await rolled(30);
    const release = holdBackUsageViews();
    // One clock for both: in one process the two apps share the system clock object.
    const clock = freezeClock(t, old.rolledAt);
    // The other instance's heartbeats are dated by the frozen clock: the clock watch is not what this is about.
    const standing = t.app.get(ClockWatchService).standing;
    t.app.get(ClockWatchService).standing = () => ({ status: 'agrees', offsetMs: 0, instances: 2, agreeing: 2, outvoted: false });
    try {
      await other.app.get(KeyTableCaughtUpOnMiss).lookupAfterCatchingUp(hashApiKey(old.key));
      for (let at = 5_000; at <= 30_000; at += 5_000) {
        clock.set(old.rolledAt + at);
        await request(other.http).get('/v1/api-keys').set(bearer(old.key)).expect(200);
      }
      await other.app.get(UsageRecorder).flush();
      clock.set(old.rolledAt + 30_000 + SETTLE_MS);
      await pass();
      expect((await lifecycle(old.id)).map(([type]) => type)).toEqual(['KeyCreated', 'KeyRolled']);
      clock.set(old.rolledAt + 60_000 + SETTLE_MS);
      await pass();
      expect((await lifecycle(old.id)).at(-1)).toEqual(['KeyExpired', 'idle', new Date(old.rolledAt + 60_000).toISOString()]);
    } finally {
      t.app.get(ClockWatchService).standing = standing;
      clock.restore();
      release();
      await other.close();
    }
  });
});
