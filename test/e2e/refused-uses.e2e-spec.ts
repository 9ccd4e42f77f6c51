import request from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../src/usage/domain/key-used.js';
import { bearer } from '../support/auth.js';
import { createKey } from '../support/keys.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

/** Before, a known key refused for a permission or an address was no use: a probing read-only key looked unused. */
describe.each(backends())('Uses refused for the key’s policies (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ backend, env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 1000 } });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const verify = (body: object) => request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send(body);
  const usageOf = async (id: string, asKey = admin) => (await request(t.http).get(`/v1/api-keys/${id}`).set(bearer(asKey)).expect(200)).body;
  const failures = async () => t.app.get<EventStore>(EVENT_STORE).readAll({ after: null, maxCount: 10_000, types: ['AuthenticationFailed'] });

  it('counts a read-only key’s write as refused, in usage, the listing and its usage stream, and still records the failure', async () => {
    const reader = await createKey(t, admin, { permissions: ['keys:read'] });
    await request(t.http).get('/v1/api-keys?limit=1').set(bearer(reader.key)).expect(200);
    await request(t.http).post('/v1/api-keys').set(bearer(reader.key)).set('User-Agent', 'prober/1').send({}).expect(403);
    await flushUsage(t);

    const detail = await usageOf(reader.id);
    expect(detail.usage).toMatchObject({ accepted: 1, rate_limited: 0, refused: 1, last_user_agent: 'prober/1' });
    expect(detail.request_count).toBe(2);
    expect(detail.usage.requests_per_hour.reduce((sum: number, h: { count: number }) => sum + h.count, 0)).toBe(2);
    const list = await request(t.http).get('/v1/api-keys?limit=100').set(bearer(admin)).expect(200);
    expect(list.body.data.find((key: { id: string }) => key.id === reader.id)).toMatchObject({ request_count: 2 });

    const uses = await t.app.get<EventStore>(EVENT_STORE).readStream(keyUsageStreamId(reader.id));
    expect(uses.map((use) => use.data)).toEqual([
      expect.objectContaining({ method: 'GET', outcome: 'accepted' }),
      expect.objectContaining({ method: 'POST', path: '/v1/api-keys', outcome: 'refused', userAgent: 'prober/1' }),
    ]);
    // The failed-auth alerting reads the AuthenticationFailed: it is still appended.
    expect((await failures()).at(-1)!.data).toMatchObject({ reason: 'insufficient_permissions', keyId: reader.id });
    const text = JSON.stringify(uses);
    expect(text).not.toContain(reader.key);
    expect(text).not.toContain(reader.key.slice(12));
  });

  it('counts a key used from an address it may not be used from as refused', async () => {
    const elsewhere = await createKey(t, admin, { allowed_ips: ['203.0.113.0/24'] });
    await request(t.http).get('/v1/api-keys').set(bearer(elsewhere.key)).expect(403);
    await flushUsage(t);
    expect((await usageOf(elsewhere.id)).usage).toMatchObject({ accepted: 0, rate_limited: 0, refused: 1 });
    expect((await failures()).at(-1)!.data).toMatchObject({ reason: 'forbidden_address', keyId: elsewhere.id });
  });

  it('counts verify’s INSUFFICIENT_PERMISSIONS and FORBIDDEN as refused, with the context the gateway sent', async () => {
    const key = await createKey(t, admin, { permissions: ['parses:read'], allowed_ips: ['203.0.113.0/24'] });
    const context = { ip: '203.0.113.9', method: 'POST', path: '/v1/parses' };
    expect((await verify({ key: key.key, context, required_permissions: ['parses:write'] }).expect(200)).body).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS' });
    expect((await verify({ key: key.key, context: { ...context, ip: '198.51.100.7' } }).expect(200)).body).toEqual({ valid: false, code: 'FORBIDDEN' });
    expect((await verify({ key: key.key, context, required_permissions: ['parses:read'] }).expect(200)).body.valid).toBe(true);
    await flushUsage(t);
    expect((await usageOf(key.id)).usage).toMatchObject({ accepted: 1, rate_limited: 0, refused: 2 });
    const uses = await t.app.get<EventStore>(EVENT_STORE).readStream(keyUsageStreamId(key.id));
    expect(uses.map((use) => [use.data.outcome, use.data.ip])).toEqual([
      ['refused', '203.0.113.9'],
      ['refused', '198.51.100.7'],
      ['accepted', '203.0.113.9'],
    ]);
  });

  it('records no use of a disabled, expired or revoked key, as before', async () => {
    const disabled = await createKey(t, admin);
    await request(t.http).post(`/v1/api-keys/${disabled.id}/disable`).set(bearer(admin)).expect(200);
    await request(t.http).get('/v1/api-keys').set(bearer(disabled.key)).expect(401);
    expect((await verify({ key: disabled.key })).body).toEqual({ valid: false, code: 'DISABLED' });
    const revoked = await createKey(t, admin);
    await request(t.http).delete(`/v1/api-keys/${revoked.id}`).set(bearer(admin)).expect(200);
    expect((await verify({ key: revoked.key })).body).toEqual({ valid: false, code: 'REVOKED' });
    const rolled = await createKey(t, admin);
    await request(t.http).post(`/v1/api-keys/${rolled.id}/roll`).set(bearer(admin)).send({ grace_seconds: 0 }).expect(201);
    expect((await verify({ key: rolled.key })).body).toEqual({ valid: false, code: 'EXPIRED' });
    await flushUsage(t);
    for (const id of [disabled.id, revoked.id, rolled.id]) {
      expect(await t.app.get<EventStore>(EVENT_STORE).readStream(keyUsageStreamId(id))).toEqual([]);
      expect((await usageOf(id)).usage).toMatchObject({ accepted: 0, rate_limited: 0, refused: 0 });
    }
  });

  it('shows a key’s refusals to its own account only', async () => {
    const reader = await createKey(t, admin, { permissions: ['keys:read'] });
    await request(t.http).delete(`/v1/api-keys/${reader.id}`).set(bearer(reader.key)).expect(403);
    await flushUsage(t);
    const other = (await t.bootstrapKey('globex')).key;
    await request(t.http).get(`/v1/api-keys/${reader.id}`).set(bearer(other)).expect(404);
    const theirs = await request(t.http).get('/v1/api-keys?limit=100').set(bearer(other)).expect(200);
    expect(theirs.body.data.map((key: { id: string }) => key.id)).not.toContain(reader.id);
    expect((await usageOf(reader.id)).usage.refused).toBe(1);
  });
});
