import request from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { caughtUpWithTheLog, seedBusyKey } from '../support/busy-key.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';
const USES = 60_000;
const DAY = 86_400_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * A key created three days ago and used USES times over the last two, written straight into the log as the
 * service would have recorded it (60,000 verifies through HTTP would take minutes): what an as_of replays.
 */
async function seedUsedKey(t: TestApp, accountId: string): Promise<{ keyId: string; usedAt: (i: number) => number }> {
  const store = t.app.get<EventStore>(EVENT_STORE);
  const now = Date.now();
  const usedAt = (i: number) => now - 2 * DAY + Math.floor((i * 2 * DAY) / USES);
  const keyId = await seedBusyKey(store, accountId, now, USES, usedAt);
  await caughtUpWithTheLog(t);
  return { keyId, usedAt };
}

describe.each(backends())('GET /v1/api-keys/{id}?as_of= on a key with many uses (%s read models)', (backend) => {
  let t: TestApp;
  let admin: { key: string };
  let busy: { keyId: string; usedAt: (i: number) => number };

  beforeAll(async () => {
    t = await startTestApp({ backend, env: { VERIFY_TOKEN } });
    admin = await t.bootstrapKey('acme', 'admin', { requests: 1_000_000, perSeconds: 1 });
    busy = await seedUsedKey(t, 'acme');
  }, 120_000);
  afterAll(() => t.destroy());

  const asOf = (instant: number | string) =>
    request(t.http)
      .get(`/v1/api-keys/${busy.keyId}`)
      .query({ as_of: typeof instant === 'string' ? instant : new Date(instant).toISOString() })
      .set(bearer(admin.key));

  it('answers each instant with the uses made by then: the current usage after the last use, a count of the past before it', async () => {
    const current = (await request(t.http).get(`/v1/api-keys/${busy.keyId}`).set(bearer(admin.key)).expect(200)).body.usage;
    const { requests_per_hour: _chart, ...counts } = current;
    expect(counts.accepted).toBe(USES);
    expect((await asOf('2030-01-01T00:00:00Z').expect(200)).body.usage).toMatchObject(counts);
    expect((await asOf(busy.usedAt(USES - 1)).expect(200)).body.usage).toMatchObject(counts);
    for (const i of [0, 1, 12_345, USES / 2, USES - 2]) {
      const usage = (await asOf(busy.usedAt(i)).expect(200)).body.usage;
      expect({ i, accepted: usage.accepted, last: usage.last_used_at }).toEqual({ i, accepted: i + 1, last: new Date(busy.usedAt(i)).toISOString() });
    }
  }, 60_000);

  it('serves other requests while as_of replays the past: between pages, not after the whole stream', async () => {
    const replayed: number[] = [];
    const verified: number[] = [];
    const until = Date.now() + 4000;
    const replaying = async () => {
      while (Date.now() < until) {
        const started = performance.now();
        // Just before the last use: the whole stream is read.
        await asOf(busy.usedAt(USES - 2)).expect(200);
        replayed.push(performance.now() - started);
      }
    };
    const verifying = async () => {
      while (Date.now() < until) {
        const started = performance.now();
        await request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key: admin.key }).expect(200);
        verified.push(performance.now() - started);
      }
    };
    await Promise.all([replaying(), replaying(), verifying()]);
    // Blocking the thread for each replay, a verify waited for a whole replay (or two); served between pages,
    // it waits for a page or two of each. Relative, so a loaded machine slows both alike.
    const seen = { replays: replayed.length, medianReplay: median(replayed), verifies: verified.length, medianVerify: median(verified) };
    expect({ ...seen, verifiesServedMeanwhile: seen.verifies > 4 * seen.replays && seen.medianVerify < seen.medianReplay / 4 }).toEqual({ ...seen, verifiesServedMeanwhile: true });
  }, 60_000);
});
