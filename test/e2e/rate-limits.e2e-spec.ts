import request from 'supertest';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

describe('Rate limits', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_REQUESTS: 7, RATE_LIMIT_PER_SECONDS: 30, AUTH_FAILURE_LIMIT: 1000 } });
    admin = (await t.bootstrapKey('acme', 'admin', { requests: 1000, perSeconds: 60 })).key;
  });
  afterAll(() => t.destroy());

  it('applies the configured default and shows the limit', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({}).expect(201);
    expect(created.body.rate_limit).toEqual({ requests: 7, per_seconds: 30 });
    const res = await request(t.http).get('/v1/api-keys?limit=1').set(bearer(admin)).expect(200);
    expect(res.body.data[0].rate_limit).toEqual({ requests: 7, per_seconds: 30 });
  });

  it('admits exactly the limit, with headers on every answer, then 429 with Retry-After', async () => {
    const created = await request(t.http)
      .post('/v1/api-keys')
      .set(bearer(admin))
      .send({ rate_limit: { requests: 3, per_seconds: 60 } })
      .expect(201);
    expect(created.body.rate_limit).toEqual({ requests: 3, per_seconds: 60 });
    const key = created.body.key;
    for (const remaining of [2, 1, 0]) {
      const res = await request(t.http).get('/v1/api-keys').set(bearer(key)).expect(200);
      expect(res.headers['ratelimit-limit']).toBe('3');
      expect(res.headers['ratelimit-remaining']).toBe(String(remaining));
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
      expect(Number(res.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
    }
    const refused = await request(t.http).get('/v1/api-keys').set(bearer(key)).expect(429);
    // The window too (until 2026-12-06 "Rate limit of 3 requests exceeded": 3 per what?).
    expect(refused.body.error).toEqual({ type: 'rate_limit_error', message: 'Rate limit of 3 requests per 60 seconds exceeded for this key.' });
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['retry-after'])).toBe(20);

    await flushUsage(t);
    const detail = await request(t.http).get(`/v1/api-keys/${created.body.id}`).set(bearer(admin)).expect(200);
    expect(detail.body.usage).toMatchObject({ accepted: 3, rate_limited: 1 });
    expect(detail.body.request_count).toBe(4);
  });

  it('limits each key on its own', async () => {
    const a = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ rate_limit: { requests: 1, per_seconds: 60 } });
    const b = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ rate_limit: { requests: 1, per_seconds: 60 } });
    await request(t.http).get('/v1/api-keys').set(bearer(a.body.key)).expect(200);
    const refused = await request(t.http).get('/v1/api-keys').set(bearer(a.body.key)).expect(429);
    expect(refused.body.error.message).toBe('Rate limit of 1 request per 60 seconds exceeded for this key.');
    await request(t.http).get('/v1/api-keys').set(bearer(b.body.key)).expect(200);
  });

  it.each([
    [{ rate_limit: { requests: 0, per_seconds: 60 } }, 'rate_limit.requests'],
    [{ rate_limit: { requests: 10, per_seconds: 86_401 } }, 'rate_limit.per_seconds'],
    [{ rate_limit: { requests: 10 } }, 'rate_limit.per_seconds'],
    [{ rate_limit: 5 }, 'rate_limit'],
    [{ rate_limit: { requests: 10, per_seconds: 60, burst: 3 } }, 'rate_limit.burst'],
  ])('refuses %j naming the field', async (body, field) => {
    const res = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send(body).expect(400);
    expect(res.body.error.message).toContain(field);
  });
});

describe('Brute-force guard', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_FAILURE_LIMIT: 3, AUTH_FAILURE_WINDOW_SECONDS: 60 } });
  });
  afterAll(() => t.destroy());

  it('answers 429 to an address once it has failed too often, even with a valid key', async () => {
    const valid = (await t.bootstrapKey('acme')).key;
    const wrong = `${valid.slice(0, -1)}${valid.endsWith('a') ? 'b' : 'a'}`;
    for (let i = 0; i < 3; i++) await request(t.http).get('/v1/api-keys').set(bearer(wrong)).expect(401);
    const blocked = await request(t.http).get('/v1/api-keys').set(bearer(wrong)).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    await request(t.http).get('/v1/api-keys').set(bearer(valid)).expect(429);
  });
});
