import { jest } from '@jest/globals';
import request from 'supertest';
import { KeyExpiryScheduler } from '../../src/keys/commands/expire-api-keys/key-expiry-scheduler.js';
import { apiKeyStreamId } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../../src/shared/projections/projection-progress.js';
import { ClockWatchService } from '../../src/app/clock/clock-watch.service.js';
import { bearer } from '../support/auth.js';
import { createKey, expectRefusedLikeRevoked, freezeClock } from '../support/keys.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

describe.each(backends())('Key expiry (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ backend, env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 1000 } });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const verify = (key: string) => request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key });

  it('accepts expires_in_seconds and expires_at, normalised', async () => {
    const before = Date.now();
    const relative = await createKey(t, admin, { expires_in_seconds: 120 });
    expect(Date.parse(relative.expires_at) - Date.parse(relative.created_at)).toBe(120_000);
    expect(Date.parse(relative.created_at)).toBeGreaterThanOrEqual(before);
    const absolute = await createKey(t, admin, { expires_at: '2099-01-01T01:00:00+01:00' });
    expect(absolute.expires_at).toBe('2099-01-01T00:00:00.000Z');
    expect((await verify(absolute.key).expect(200)).body).toMatchObject({ valid: true, expires_at: '2099-01-01T00:00:00.000Z' });
  });

  it('refuses a key from its expiry instant exactly, like a revoked key, before its KeyExpired is appended', async () => {
    const key = await createKey(t, admin, { expires_in_seconds: 60 });
    const expiry = Date.parse(key.expires_at);
    const clock = freezeClock(t, expiry - 1);
    try {
      await request(t.http).get('/v1/api-keys').set(bearer(key.key)).expect(200);
      expect((await verify(key.key)).body.valid).toBe(true);
      clock.set(expiry);
      await expectRefusedLikeRevoked(t, key.key);
      expect((await verify(key.key)).body).toEqual({ valid: false, code: 'EXPIRED' });
      expect((await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id))).map((e) => e.type)).toEqual(['KeyCreated']);
      // The listing says expired by time already.
      const listed = await request(t.http).get('/v1/api-keys?status=expired').set(bearer(admin)).expect(200);
      expect(listed.body.data.map((k: { id: string }) => k.id)).toContain(key.id);

      await t.app.get(KeyExpiryScheduler).runOnce();
      const events = await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id));
      expect(events.map((e) => [e.type, e.data.expiredAt, e.data.reason])).toEqual([
        ['KeyCreated', undefined, undefined],
        ['KeyExpired', key.expires_at, 'expires_at'],
      ]);
      await t.app.get(ProjectionProgress).caughtUpTo(events[1].position);
      await t.app.get(KeyExpiryScheduler).runOnce();
      expect(await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id))).toHaveLength(2);
      const history = await request(t.http).get(`/v1/api-keys/${key.id}/events`).set(bearer(admin)).expect(200);
      expect(history.body.data.find((e: { type: string }) => e.type === 'KeyExpired')).toMatchObject({ type: 'KeyExpired', data: { expiredAt: key.expires_at, reason: 'expires_at' } });
    } finally {
      clock.restore();
    }
    const detail = await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    expect(detail.body.status).toBe('expired');
    // as_of before its KeyExpired shows it active (the clock was moved ahead: the event was recorded early in real time).
    const [createdEvent] = await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id));
    const asOf = await request(t.http).get(`/v1/api-keys/${key.id}`).query({ as_of: createdEvent.recordedAt }).set(bearer(admin)).expect(200);
    expect(asOf.body.status).toBe('active');
  });

  it('an instance whose clock is out of step with the others records no expiry, and refuses the key by its clock meanwhile', async () => {
    const key = await createKey(t, admin, { expires_in_seconds: 60 });
    const expiry = Date.parse(key.expires_at);
    const clock = freezeClock(t, expiry);
    const watch = t.app.get(ClockWatchService);
    const standing = jest.spyOn(watch, 'standing').mockReturnValue({ status: 'out_of_step', offsetMs: 3_600_000, instances: 3, agreeing: 1, outvoted: false });
    try {
      await t.app.get(KeyExpiryScheduler).runOnce();
      expect((await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id))).map((e) => e.type)).toEqual(['KeyCreated']);
      expect((await verify(key.key)).body).toEqual({ valid: false, code: 'EXPIRED' });
      const ready = await request(t.http).get('/health/ready').expect(200);
      expect(ready.body.details.clock).toEqual({ status: 'up', standing: 'out_of_step', offset_ms: 3_600_000, instances: 3, agreeing: 1, outvoted: false, tolerance_ms: 2000 });
      // Once it agrees again, it records the expiry as due.
      standing.mockRestore();
      await t.app.get(KeyExpiryScheduler).runOnce();
      const events = await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id));
      expect(events.map((e) => [e.type, e.data.expiredAt])).toEqual([
        ['KeyCreated', undefined],
        ['KeyExpired', key.expires_at],
      ]);
    } finally {
      standing.mockRestore();
      clock.restore();
    }
  });

  it('refuses an expiry in the past, both fields at once, and bad values', async () => {
    for (const body of [
      { expires_at: '2020-01-01T00:00:00Z' },
      { expires_at: '2099-01-01' },
      { expires_in_seconds: 0 },
      { expires_in_seconds: 1.5 },
      { expires_at: '2099-01-01T00:00:00Z', expires_in_seconds: 60 },
    ]) {
      const res = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send(body).expect(400);
      expect(res.body.error.type).toBe('invalid_request_error');
    }
  });
});

describe('Key expiry: a stop in the middle of many expiries', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  it('ends the pass after the expiry in flight: the rest is left to the next start, not to the stop', async () => {
    const keys = [];
    for (let n = 0; n < 20; n++) keys.push(await createKey(t, admin, { expires_in_seconds: 60 }));
    const clock = freezeClock(t, Math.max(...keys.map((key) => Date.parse(key.expires_at))));
    const store = t.app.get<EventStore>(EVENT_STORE);
    const scheduler = t.app.get(KeyExpiryScheduler);
    try {
      // The pass runs up to its first expiry's read of the log before runOnce returns: the stop comes while it is in flight.
      const pass = scheduler.runOnce();
      await Promise.all([pass, scheduler.onModuleDestroy()]);
      const expired = [];
      for (const key of keys) if ((await store.readStream(apiKeyStreamId(key.id))).some((e) => e.type === 'KeyExpired')) expired.push(key.id);
      // Until 2026-12-07 the stop waited for the whole pass: all 20 (50,000 keys: minutes, past the stop's 9 s).
      expect(expired).toHaveLength(1);
    } finally {
      clock.restore();
    }
  });
});

describe('MAX_KEY_LIFETIME_SECONDS', () => {
  let t: TestApp;
  let admin: string;
  let adminEndsAt: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { MAX_KEY_LIFETIME_SECONDS: 3600 } });
    ({ key: admin, expiresAt: adminEndsAt } = (await t.bootstrapKey('acme')) as { key: string; expiresAt: string });
  });
  afterAll(() => t.destroy());

  it('refuses a longer lifetime with a clear 400 and gives keys created without expiry the maximum', async () => {
    // The message names the field the client sent.
    const res = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ expires_in_seconds: 3601 }).expect(400);
    expect(res.body.error.message).toBe('expires_in_seconds is beyond the maximum key lifetime of 3600 seconds (MAX_KEY_LIFETIME_SECONDS).');
    const at = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ expires_at: new Date(Date.now() + 7_200_000).toISOString() }).expect(400);
    expect(at.body.error.message).toBe('expires_at is beyond the maximum key lifetime of 3600 seconds (MAX_KEY_LIFETIME_SECONDS).');
    // The operator's keys get the whole lifetime.
    const plain = await t.bootstrapKey('acme', 'plain');
    expect(Date.parse(plain.expiresAt!) - Date.parse(plain.createdAt)).toBe(3600_000);
  });

  it('gives a key made through the API no end later than the key that made it, which has one too: no key renews itself', async () => {
    const made = await createKey(t, admin);
    expect(made.expires_at).toBe(adminEndsAt);
    const later = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ expires_in_seconds: 3600 }).expect(403);
    expect(later.body.error.message).toBe(`This key may not grant use beyond its own expires_at (${adminEndsAt}).`);
    const exact = await createKey(t, admin, { expires_in_seconds: 60 });
    expect(Date.parse(exact.expires_at) - Date.parse(exact.created_at)).toBe(60_000);
  });
});
