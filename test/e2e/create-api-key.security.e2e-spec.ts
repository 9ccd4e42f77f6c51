import request from 'supertest';
import { bearer } from '../support/auth.js';
import { createKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('POST /v1/api-keys security', () => {
  let t: TestApp;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    t = await startTestApp();
    acme = (await t.bootstrapKey('acme')).key;
    globex = (await t.bootstrapKey('globex')).key;
  });
  afterAll(() => t.destroy());

  it('requires a key', async () => {
    const res = await request(t.http).post('/v1/api-keys').send({ name: 'x' }).expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body.error.type).toBe('authentication_error');
  });

  it('creates the key in the caller’s account only', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(acme)).send({ name: 'acme-only' }).expect(201);
    const globexList = await request(t.http).get('/v1/api-keys').set(bearer(globex)).expect(200);
    expect(globexList.body.data.map((k: { id: string }) => k.id)).not.toContain(created.body.id);
    const acmeList = await request(t.http).get('/v1/api-keys').set(bearer(created.body.key)).expect(200);
    expect(acmeList.body.data.map((k: { id: string }) => k.id)).toContain(created.body.id);
  });

  it('ignores an account id smuggled into the body', async () => {
    await request(t.http).post('/v1/api-keys').set(bearer(acme)).send({ name: 'x', account_id: 'globex' }).expect(400);
  });

  it('a key ending in an hour cannot make a key that outlives it or is faster, and one made without either gets its own', async () => {
    const hourKey = await createKey(t, acme, { permissions: ['keys:read', 'keys:write'], expires_in_seconds: 3600, rate_limit: { requests: 10, per_seconds: 60 } });
    const faster = await request(t.http).post('/v1/api-keys').set(bearer(hourKey.key)).send({ rate_limit: { requests: 1_000_000, per_seconds: 1 } }).expect(403);
    expect(faster.body).toEqual({ error: { type: 'permission_error', message: 'This key may not grant a rate_limit above its own (10 requests per 60 seconds).' } });
    for (const body of [{ expires_at: '2099-01-01T00:00:00Z' }, { expires_in_seconds: 7200 }]) {
      const later = await request(t.http).post('/v1/api-keys').set(bearer(hourKey.key)).send(body).expect(403);
      expect(later.body).toEqual({ error: { type: 'permission_error', message: `This key may not grant use beyond its own expires_at (${hourKey.expires_at}).` } });
    }
    const inherited = await request(t.http).post('/v1/api-keys').set(bearer(hourKey.key)).send({}).expect(201);
    expect(inherited.body).toMatchObject({ expires_at: hourKey.expires_at, rate_limit: { requests: 10, per_seconds: 60 } });
    const narrower = await request(t.http).post('/v1/api-keys').set(bearer(hourKey.key)).send({ expires_in_seconds: 60, rate_limit: { requests: 5, per_seconds: 60 } }).expect(201);
    expect(Date.parse(narrower.body.expires_at)).toBeLessThan(Date.parse(hourKey.expires_at));
    const list = await request(t.http).get('/v1/api-keys?limit=100').set(bearer(acme)).expect(200);
    expect(list.body.data.filter((k: { expires_at: string | null; rate_limit: { requests: number } }) => k.rate_limit.requests === 1_000_000 || (k.expires_at ?? '') > hourKey.expires_at)).toEqual([]);
  });

  it('a key without end, at the default limit, still makes permanent keys at the default; only the operator exceeds it', async () => {
    const plain = await request(t.http).post('/v1/api-keys').set(bearer(acme)).send({}).expect(201);
    expect(plain.body).toMatchObject({ expires_at: null, rate_limit: { requests: 1000, per_seconds: 60 } });
    await request(t.http).post('/v1/api-keys').set(bearer(acme)).send({ rate_limit: { requests: 1001, per_seconds: 60 } }).expect(403);
    const operator = await t.bootstrapKey('acme', 'ops', { requests: 1_000_000, perSeconds: 1 });
    expect(operator).toMatchObject({ expiresAt: null, rateLimit: { requests: 1_000_000, perSeconds: 1 } });
  });

  it('never shows the full key again after creation', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(acme)).send({ name: 'once' }).expect(201);
    const list = await request(t.http).get('/v1/api-keys?limit=100').set(bearer(acme)).expect(200);
    const revoked = await request(t.http).delete(`/v1/api-keys/${created.body.id}`).set(bearer(acme)).expect(200);
    for (const text of [JSON.stringify(list.body), JSON.stringify(revoked.body)]) {
      expect(text).not.toContain(created.body.key);
      expect(text).not.toContain(created.body.key.slice(12));
    }
  });
});
