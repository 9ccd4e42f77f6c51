import request from 'supertest';
import { KeyExpiryScheduler } from '../../src/keys/commands/expire-api-keys/key-expiry-scheduler.js';
import { apiKeyStreamId } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../../src/shared/projections/projection-progress.js';
import { bearer, UUID } from '../support/auth.js';
import { createKey, expectRefusedLikeRevoked, freezeClock } from '../support/keys.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

// USAGE_FLUSH_INTERVAL_MS (100) and a second: how long after an idle deadline the scheduler reads the log for the last uses.
const LOG_SETTLES_MS = 1100;

describe.each(backends())('POST /v1/api-keys/{id}/roll (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ backend });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const roll = (id: string, body: object) => request(t.http).post(`/v1/api-keys/${id}/roll`).set(bearer(admin)).send(body);
  const stream = (id: string) => t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(id));

  it('creates a successor that inherits the key, shows its full key once, and keeps the old key working through the grace period', async () => {
    const old = await createKey(t, admin, { name: 'rolling', rate_limit: { requests: 50, per_seconds: 60 }, permissions: ['keys:read', 'keys:write'], allowed_ips: ['127.0.0.1'] });
    const res = await roll(old.id, { grace_seconds: 3600 }).expect(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(UUID),
      key: expect.stringMatching(/^sk_[0-9A-Za-z]{38}$/),
      name: 'rolling',
      rate_limit: { requests: 50, per_seconds: 60 },
      permissions: ['keys:read', 'keys:write'],
      allowed_ips: ['127.0.0.1'],
      predecessor_id: old.id,
      status: 'active',
      rolled: { id: old.id, status: 'active', rotation: { successor_id: res.body.id, grace_ends_at: expect.any(String), close_when_idle_seconds: null } },
    });
    const graceEnd = Date.parse(res.body.rolled.rotation.grace_ends_at) - Date.parse(res.body.rolled.rotation.rolled_at);
    expect(graceEnd).toBe(3600_000);
    await request(t.http).get('/v1/api-keys').set(bearer(res.body.key)).expect(200);
    await request(t.http).get('/v1/api-keys').set(bearer(old.key)).expect(200);
    // Both histories link to each other.
    expect((await stream(old.id)).map((e) => [e.type, e.data.successorKeyId])).toEqual([['KeyCreated', undefined], ['KeyRolled', res.body.id]]);
    expect((await stream(res.body.id))[0].data.rolledFromKeyId).toBe(old.id);
    const history = await request(t.http).get(`/v1/api-keys/${old.id}/events`).set(bearer(admin)).expect(200);
    expect(history.body.data.map((e: { type: string }) => e.type)).toContain('KeyRolled');
  });

  it('gives the old key and its successor one rate-limit budget, as one credential', async () => {
    const old = await createKey(t, admin, { rate_limit: { requests: 3, per_seconds: 60 } });
    for (let i = 0; i < 2; i++) await request(t.http).get('/v1/api-keys').set(bearer(old.key)).expect(200);
    const successor = (await roll(old.id, { grace_seconds: 600 }).expect(201)).body;
    const first = await request(t.http).get('/v1/api-keys').set(bearer(successor.key)).expect(200);
    expect(first.headers['ratelimit-remaining']).toBe('0');
    // Before, each had its own: the old key's holders kept a whole budget beside the successor's through the grace.
    await request(t.http).get('/v1/api-keys').set(bearer(old.key)).expect(429);
    await request(t.http).get('/v1/api-keys').set(bearer(successor.key)).expect(429);
    const next = (await roll(successor.id, { grace_seconds: 600 }).expect(201)).body;
    await request(t.http).get('/v1/api-keys').set(bearer(next.key)).expect(429);
  });

  it("shows the old key's traffic since the roll: uses, last use and addresses", async () => {
    const old = await createKey(t, admin, { name: 'watched' });
    await request(t.http).get('/v1/api-keys').set(bearer(old.key)).expect(200);
    const rolled = await roll(old.id, { grace_seconds: 600 }).expect(201);
    for (let i = 0; i < 3; i++) await request(t.http).get('/v1/api-keys').set(bearer(old.key)).expect(200);
    await flushUsage(t);
    const detail = await request(t.http).get(`/v1/api-keys/${old.id}`).set(bearer(admin)).expect(200);
    expect(detail.body.rotation).toEqual({
      successor_id: rolled.body.id,
      rolled_at: expect.any(String),
      grace_ends_at: expect.any(String),
      close_when_idle_seconds: null,
      uses_since_roll: 3,
      last_used_at: expect.any(String),
      addresses_since_roll: ['127.0.0.1'],
      addresses_since_roll_count: 1,
    });
    expect(detail.body.usage.accepted).toBe(4);
  });

  it('expires the old key at once with grace_seconds 0', async () => {
    const old = await createKey(t, admin);
    const res = await roll(old.id, { grace_seconds: 0 }).expect(201);
    expect(res.body.rolled.status).toBe('expired');
    await expectRefusedLikeRevoked(t, old.key);
    expect((await stream(old.id)).map((e) => e.type)).toEqual(['KeyCreated', 'KeyRolled', 'KeyExpired']);
    expect((await stream(old.id))[2].data).toMatchObject({ reason: 'grace_ended' });
  });

  it('rolls a disabled key (disable the leaked key, roll it for a replacement): the successor works, the old key stays refused', async () => {
    const old = await createKey(t, admin, { permissions: ['parses:read', 'keys:read'] });
    await request(t.http).post(`/v1/api-keys/${old.id}/disable`).set(bearer(admin)).expect(200);
    const res = await roll(old.id, { grace_seconds: 3600 }).expect(201);
    expect(res.body).toMatchObject({ status: 'active', disabled: false, permissions: ['keys:read', 'parses:read'] });
    expect(res.body.rolled).toMatchObject({ status: 'disabled', disabled: true });
    await expectRefusedLikeRevoked(t, old.key);
    await request(t.http).get('/v1/api-keys').set(bearer(res.body.key)).expect(200);
  });

  it('refuses the old key from the grace end instant on, and the scheduler records the expiry dated then', async () => {
    const old = await createKey(t, admin);
    const res = await roll(old.id, { grace_seconds: 60 }).expect(201);
    const end = Date.parse(res.body.rolled.rotation.grace_ends_at);
    const clock = freezeClock(t, end - 1);
    try {
      await request(t.http).get('/v1/api-keys').set(bearer(old.key)).expect(200);
      clock.set(end);
      await expectRefusedLikeRevoked(t, old.key);
      await t.app.get(KeyExpiryScheduler).runOnce();
      const expired = (await stream(old.id)).at(-1)!;
      expect(expired).toMatchObject({ type: 'KeyExpired', data: { expiredAt: res.body.rolled.rotation.grace_ends_at, reason: 'grace_ended' } });
      await t.app.get(ProjectionProgress).caughtUpTo(expired.position);
      const detail = await request(t.http).get(`/v1/api-keys/${old.id}`).set(bearer(admin)).expect(200);
      expect(detail.body.status).toBe('expired');
    } finally {
      clock.restore();
    }
  });

  it('closes the old key once idle for close_when_idle_seconds, and says so, once the log holds every use made before', async () => {
    const old = await createKey(t, admin);
    const res = await roll(old.id, { grace_seconds: 86_400, close_when_idle_seconds: 30 }).expect(201);
    const rolledAt = Date.parse(res.body.rolled.rotation.rolled_at);
    const clock = freezeClock(t, rolledAt + 29_000);
    try {
      await t.app.get(KeyExpiryScheduler).runOnce();
      expect((await stream(old.id)).map((e) => e.type)).toEqual(['KeyCreated', 'KeyRolled']);
      // Another instance may still hold a use made just before: the log is read a usage flush and a second after.
      clock.set(rolledAt + 30_000 + LOG_SETTLES_MS - 1);
      await t.app.get(KeyExpiryScheduler).runOnce();
      expect((await stream(old.id)).map((e) => e.type)).toEqual(['KeyCreated', 'KeyRolled']);
      clock.set(rolledAt + 30_000 + LOG_SETTLES_MS);
      await t.app.get(KeyExpiryScheduler).runOnce();
      expect((await stream(old.id)).at(-1)).toMatchObject({ type: 'KeyExpired', data: { reason: 'idle', expiredAt: new Date(rolledAt + 30_000).toISOString() } });
    } finally {
      clock.restore();
    }
    await expectRefusedLikeRevoked(t, old.key);
  });

  it("says when the old key stops working: its expires_at is the grace end, or its own expiry when sooner, or when it went idle", async () => {
    const never = await createKey(t, admin);
    const rolled = (await roll(never.id, { grace_seconds: 60 }).expect(201)).body.rolled;
    expect(rolled.expires_at).toBe(rolled.rotation.grace_ends_at);
    const shown = await request(t.http).get(`/v1/api-keys/${never.id}`).set(bearer(admin)).expect(200);
    expect(shown.body.expires_at).toBe(rolled.rotation.grace_ends_at);

    const soon = await createKey(t, admin, { expires_in_seconds: 30 });
    const sooner = (await roll(soon.id, { grace_seconds: 3600 }).expect(201)).body.rolled;
    expect(sooner.expires_at).toBe(soon.expires_at);
    expect(sooner.rotation.grace_ends_at).toBe(soon.expires_at);

    // An expiry brought inside the grace after the roll ends the grace then too, as the roll's cap would have.
    const patched = await createKey(t, admin);
    const graceEnd = (await roll(patched.id, { grace_seconds: 3600 }).expect(201)).body.rolled.rotation.grace_ends_at;
    const expiresAt = new Date(Date.parse(graceEnd) - 1800_000).toISOString();
    const updated = await request(t.http).patch(`/v1/api-keys/${patched.id}`).set(bearer(admin)).send({ expires_at: expiresAt }).expect(200);
    expect(updated.body).toMatchObject({ expires_at: expiresAt, rotation: { grace_ends_at: expiresAt } });
    const patchedShown = await request(t.http).get(`/v1/api-keys/${patched.id}`).set(bearer(admin)).expect(200);
    expect(patchedShown.body).toMatchObject({ expires_at: expiresAt, rotation: { grace_ends_at: expiresAt } });

    const idle = await createKey(t, admin);
    const res = await roll(idle.id, { grace_seconds: 86_400, close_when_idle_seconds: 30 }).expect(201);
    const idleAt = new Date(Date.parse(res.body.rolled.rotation.rolled_at) + 30_000).toISOString();
    const clock = freezeClock(t, Date.parse(idleAt) + LOG_SETTLES_MS);
    try {
      await t.app.get(KeyExpiryScheduler).runOnce();
    } finally {
      clock.restore();
    }
    await t.app.get(ProjectionProgress).caughtUpTo((await stream(idle.id)).at(-1)!.position);
    const closed = await request(t.http).get(`/v1/api-keys/${idle.id}`).set(bearer(admin)).expect(200);
    expect(closed.body).toMatchObject({ status: 'expired', expires_at: idleAt });
  });

  it('serves the old key until the log shows it idle, counting its latest use, and refuses it from then on, recorded or not', async () => {
    const old = await createKey(t, admin);
    const res = await roll(old.id, { grace_seconds: 86_400, close_when_idle_seconds: 30 }).expect(201);
    const rolledAt = Date.parse(res.body.rolled.rotation.rolled_at);
    const clock = freezeClock(t, rolledAt + 20_000);
    const list = () => request(t.http).get('/v1/api-keys').set(bearer(old.key));
    // The key's own stream unreadable, its uses readable: the scheduler finds it idle and cannot record it.
    const store = t.app.get<EventStore>(EVENT_STORE);
    const readStream = store.readStream;
    const ownReadStream = Object.getOwnPropertyDescriptor(store, 'readStream');
    const lifecycleUnreadable = () => {
      store.readStream = (streamId, page) => (streamId === apiKeyStreamId(old.id) ? Promise.reject(new Error('event store unavailable')) : readStream(streamId, page));
    };
    const restore = () => {
      if (ownReadStream) Object.defineProperty(store, 'readStream', ownReadStream);
      else delete (store as Partial<EventStore>).readStream;
    };
    try {
      await list().expect(200);
      // Idle since its use at +20 s, not since the roll: still in force at +49 s, whatever the summaries hold yet.
      clock.set(rolledAt + 49_000);
      await list().expect(200);
      // Past the deadline the key is still served until the log has been read past it: that use counts.
      clock.set(rolledAt + 79_500);
      await list().expect(200);
      clock.set(rolledAt + 109_500 + LOG_SETTLES_MS);
      lifecycleUnreadable();
      await t.app.get(KeyExpiryScheduler).runOnce();
      // Read from the log and found idle, it is refused here on those facts though its KeyExpired is not appended yet.
      await expectRefusedLikeRevoked(t, old.key);
      expect((await readStream(apiKeyStreamId(old.id))).map((e) => e.type)).toEqual(['KeyCreated', 'KeyRolled']);
      restore();
      await t.app.get(KeyExpiryScheduler).runOnce();
      expect((await stream(old.id)).at(-1)).toMatchObject({ type: 'KeyExpired', data: { reason: 'idle', expiredAt: new Date(rolledAt + 109_500).toISOString() } });
    } finally {
      restore();
      clock.restore();
    }
  });

  it('refuses to roll a key twice (409), a revoked key (409), bad bounds (400)', async () => {
    const old = await createKey(t, admin);
    const successor = (await roll(old.id, { grace_seconds: 60 }).expect(201)).body;
    // Names the key that replaced it (whoever lost the roll's answer needs it), never a secret.
    expect((await roll(old.id, { grace_seconds: 60 }).expect(409)).body.error.message).toBe(`API key ${old.id} has already been rolled to API key ${successor.id}.`);
    const revoked = await createKey(t, admin);
    await request(t.http).delete(`/v1/api-keys/${revoked.id}`).set(bearer(admin)).expect(200);
    await roll(revoked.id, { grace_seconds: 60 }).expect(409);
    const fresh = await createKey(t, admin);
    for (const body of [{}, { grace_seconds: -1 }, { grace_seconds: 604_801 }, { grace_seconds: 1, close_when_idle_seconds: 0 }]) {
      await roll(fresh.id, body).expect(400);
    }
    // A refused roll creates no successor.
    expect((await stream(fresh.id)).map((e) => e.type)).toEqual(['KeyCreated']);
  });
});
