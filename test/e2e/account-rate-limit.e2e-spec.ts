import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { whenRedis } from '../support/redis.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

/**
 * ACCOUNT_RATE_LIMIT_REQUESTS: an account's keys together. Each key had its own limit and the account none, so one
 * account paging through 10,000 keys or creating keys from many connections held the request thread for every other
 * account (docs/operations.md, "Overload").
 */
describe('The account limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { VERIFY_TOKEN, ACCOUNT_RATE_LIMIT_REQUESTS: 3, ACCOUNT_RATE_LIMIT_PER_SECONDS: 60 } });
  });
  afterAll(() => t.destroy());

  it("refuses an account's requests past it, whichever of its keys makes them and on every route, and leaves other accounts and verify alone", async () => {
    const admin = (await t.bootstrapKey('acme', 'admin', { requests: 1000, perSeconds: 60 })).key;
    const other = (await t.bootstrapKey('globex', 'admin', { requests: 1000, perSeconds: 60 })).key;
    const second = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'second' }).expect(201);
    await request(t.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
    await request(t.http).get(`/v1/api-keys/${second.body.id}`).set(bearer(second.body.key)).expect(200);

    // Both keys have 997 and more of their own limits left; the account has spent its 3.
    for (const refused of [
      await request(t.http).post('/v1/api-keys').set(bearer(second.body.key)).send({ name: 'third' }).expect(429),
      await request(t.http).get('/v1/api-keys').set(bearer(admin)).expect(429),
      await request(t.http).get(`/v1/api-keys/${second.body.id}/events`).set(bearer(admin)).expect(429),
      await request(t.http).get('/v1/events').set(bearer(admin)).expect(429),
    ]) {
      expect(refused.body).toEqual({
        error: { type: 'rate_limit_error', message: 'Rate limit of 3 requests per 60 seconds exceeded for this account (all its keys together).' },
      });
      expect(refused.headers['retry-after']).toBe('20');
      expect(refused.headers['ratelimit-limit']).toBe('3');
      expect(refused.headers['ratelimit-remaining']).toBe('0');
    }

    await request(t.http).get('/v1/api-keys').set(bearer(other)).expect(200);
    const verified = await request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key: second.body.key }).expect(200);
    expect(verified.body).toMatchObject({ valid: true, account_id: 'acme' });
  });
});

whenRedis('The account limit shared through Redis', (redisUrl) => {
  describe('The account limit with REDIS_URL', () => {
    const apps: TestApp[] = [];
    afterAll(async () => {
      for (const app of apps.reverse()) await app.destroy();
    });

    it("counts an account's requests on every instance together", async () => {
      const env = { REDIS_URL: redisUrl, ACCOUNT_RATE_LIMIT_REQUESTS: 4, ACCOUNT_RATE_LIMIT_PER_SECONDS: 60, AUTH_FAILURE_LIMIT: 100_000 };
      const a = await startTestApp({ env });
      apps.push(a);
      const b = await startTestApp({ env, reuse: { dataDir: a.dataDir } });
      apps.push(b);
      // An account of its own: parallel suites share CI's Redis.
      const admin = (await a.bootstrapKey(`acct-${randomUUID()}`, 'admin', { requests: 1000, perSeconds: 60 })).key;
      await eventually(async () => void (await request(b.http).get('/v1/whoami').set(bearer(admin)).expect(200)));
      // b's whoami above was the account's first; 4 in all: each instance alone would allow 4 of its own.
      await request(a.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
      await request(a.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
      await request(b.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
      const refused = await request(a.http).get('/v1/api-keys').set(bearer(admin)).expect(429);
      expect(refused.body.error.message).toBe('Rate limit of 4 requests per 60 seconds exceeded for this account (all its keys together).');
      await request(b.http).get('/v1/api-keys').set(bearer(admin)).expect(429);
    }, 60_000);
  });
});
