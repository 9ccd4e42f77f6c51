import request from 'supertest';
import { bearer } from '../support/auth.js';
import { createKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

describe('Permissions and address restrictions', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 1000 } });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const verify = (body: object) => request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send(body);

  it('keys created without permissions get the creator\'s (`*` for an unrestricted key)', async () => {
    expect((await createKey(t, admin)).permissions).toEqual(['*']);
    const writer = await createKey(t, admin, { permissions: ['keys:write', 'keys:read'] });
    expect(writer.permissions).toEqual(['keys:read', 'keys:write']);
    expect((await createKey(t, writer.key)).permissions).toEqual(['keys:read', 'keys:write']);
  });

  it('enforces keys:read for reads and keys:write for writes, naming the missing permission', async () => {
    const reader = await createKey(t, admin, { permissions: ['keys:read'] });
    await request(t.http).get('/v1/api-keys').set(bearer(reader.key)).expect(200);
    await request(t.http).get(`/v1/api-keys/${reader.id}`).set(bearer(reader.key)).expect(200);
    await request(t.http).get(`/v1/api-keys/${reader.id}/events`).set(bearer(reader.key)).expect(200);
    const create = await request(t.http).post('/v1/api-keys').set(bearer(reader.key)).send({}).expect(403);
    expect(create.body).toEqual({ error: { type: 'permission_error', message: 'This key lacks the permission keys:write.' } });
    await request(t.http).delete(`/v1/api-keys/${reader.id}`).set(bearer(reader.key)).expect(403);
    const writeOnly = await createKey(t, admin, { permissions: ['keys:write'] });
    const list = await request(t.http).get('/v1/api-keys').set(bearer(writeOnly.key)).expect(403);
    expect(list.body.error.message).toBe('This key lacks the permission keys:read.');
    const parses = await createKey(t, admin, { permissions: ['parses:*'] });
    await request(t.http).get('/v1/alerts').set(bearer(parses.key)).expect(403);
  });

  it('refuses a key from an address outside its allowed_ips, on every route, with 403', async () => {
    const elsewhere = await createKey(t, admin, { allowed_ips: ['203.0.113.0/24', '2001:db8::/32'] });
    for (const call of [
      request(t.http).get('/v1/api-keys'),
      request(t.http).get(`/v1/api-keys/${elsewhere.id}`),
      request(t.http).post('/v1/api-keys'),
      request(t.http).get('/v1/alerts'),
    ]) {
      const res = await call.set(bearer(elsewhere.key)).expect(403);
      expect(res.body).toEqual({ error: { type: 'permission_error', message: 'This key may not be used from this address.' } });
    }
    const local = await createKey(t, admin, { allowed_ips: ['127.0.0.1', '::1'] });
    await request(t.http).get('/v1/api-keys').set(bearer(local.key)).expect(200);
  });

  it('verify answers FORBIDDEN and INSUFFICIENT_PERMISSIONS, and a valid answer carries permissions and expiry', async () => {
    const key = await createKey(t, admin, { permissions: ['parses:read', 'keys:read'], allowed_ips: ['203.0.113.0/24'] });
    expect((await verify({ key: key.key, context: { ip: '198.51.100.7' } })).body).toEqual({ valid: false, code: 'FORBIDDEN' });
    expect((await verify({ key: key.key })).body).toEqual({ valid: false, code: 'FORBIDDEN' });
    expect((await verify({ key: key.key, context: { ip: '::ffff:203.0.113.9' } })).body.valid).toBe(true);
    expect((await verify({ key: key.key, context: { ip: '203.0.113.9' }, required_permissions: ['parses:read', 'parses:write'] })).body).toEqual({
      valid: false,
      code: 'INSUFFICIENT_PERMISSIONS',
      missing_permissions: ['parses:write'],
      rate_limit: { limit: 1000, remaining: expect.any(Number), reset: expect.any(Number) },
    });
    expect((await verify({ key: key.key, context: { ip: '203.0.113.9' }, required_permissions: ['parses:read'] })).body).toMatchObject({
      valid: true,
      key_id: key.id,
      permissions: ['keys:read', 'parses:read'],
      expires_at: null,
    });
    expect((await verify({ key: key.key, required_permissions: ['Parses'] }).expect(400)).body.error.message).toMatch(/required_permissions/);
  });

  it("counts a request refused for a permission against the key's limit, with the RateLimit fields, on the API and in verify", async () => {
    const reader = await createKey(t, admin, { permissions: ['keys:read'], rate_limit: { requests: 2, per_seconds: 3600 } });
    await request(t.http).get('/v1/api-keys').set(bearer(reader.key)).expect(200);
    const refused = await request(t.http).post('/v1/api-keys').set(bearer(reader.key)).send({}).expect(403);
    expect([refused.headers['ratelimit-limit'], refused.headers['ratelimit-remaining']]).toEqual(['2', '0']);
    await request(t.http).post('/v1/api-keys').set(bearer(reader.key)).send({}).expect(429);
    await request(t.http).get('/v1/api-keys').set(bearer(reader.key)).expect(429);

    const gatewayKey = await createKey(t, admin, { permissions: ['parses:read'], rate_limit: { requests: 1, per_seconds: 3600 } });
    expect((await verify({ key: gatewayKey.key, required_permissions: ['parses:write'] })).body).toEqual({
      valid: false,
      code: 'INSUFFICIENT_PERMISSIONS',
      missing_permissions: ['parses:write'],
      rate_limit: { limit: 1, remaining: 0, reset: expect.any(Number) },
    });
    expect((await verify({ key: gatewayKey.key, required_permissions: ['parses:read'] })).body).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
  });

  it("does not count a request refused for its address against the key's limit, on the API or in verify", async () => {
    const restricted = await createKey(t, admin, { allowed_ips: ['127.0.0.1', '203.0.113.0/24'], rate_limit: { requests: 1, per_seconds: 3600 } });
    expect((await verify({ key: restricted.key, context: { ip: '198.51.100.7' } })).body).toEqual({ valid: false, code: 'FORBIDDEN' });
    expect((await verify({ key: restricted.key, context: { ip: '203.0.113.9' } })).body).toMatchObject({ valid: true, rate_limit: { limit: 1, remaining: 0 } });
    const elsewhere = await createKey(t, admin, { allowed_ips: ['203.0.113.0/24'], rate_limit: { requests: 1, per_seconds: 3600 } });
    const refused = await request(t.http).get('/v1/api-keys').set(bearer(elsewhere.key)).expect(403);
    expect(refused.headers['ratelimit-limit']).toBeUndefined();
    expect((await verify({ key: elsewhere.key, context: { ip: '203.0.113.9' } })).body).toMatchObject({ valid: true, rate_limit: { limit: 1, remaining: 0 } });
  });

  it('verify answers DISABLED and EXPIRED (these keys answer 401 on the API)', async () => {
    const disabled = await createKey(t, admin);
    await request(t.http).post(`/v1/api-keys/${disabled.id}/disable`).set(bearer(admin)).expect(200);
    expect((await verify({ key: disabled.key })).body).toEqual({ valid: false, code: 'DISABLED' });
    const rolled = await createKey(t, admin);
    await request(t.http).post(`/v1/api-keys/${rolled.id}/roll`).set(bearer(admin)).send({ grace_seconds: 0 }).expect(201);
    expect((await verify({ key: rolled.key })).body).toEqual({ valid: false, code: 'EXPIRED' });
  });
});
