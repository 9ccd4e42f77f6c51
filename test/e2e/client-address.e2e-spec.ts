import request from 'supertest';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

/**
 * The tests' client connects from 127.0.0.1: it is a trusted proxy when TRUST_PROXY names it, and an
 * ordinary client otherwise. The failed-authentication guard (2 failures per address) shows which
 * address each request was counted against.
 */
describe('TRUST_PROXY: the client address every route reads', () => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((t) => t.destroy())));

  const start = async (trustProxy?: string) => {
    const t = await startTestApp({ env: { AUTH_FAILURE_LIMIT: 2, VERIFY_TOKEN, ...(trustProxy ? { TRUST_PROXY: trustProxy } : {}) } });
    apps.push(t);
    return t;
  };
  const failFrom = (t: TestApp, forwardedFor: string) =>
    request(t.http).get('/v1/api-keys').set(bearer(generateApiKey())).set('X-Forwarded-For', forwardedFor);

  it.each([
    ['unset (the default: no proxy is trusted)', undefined],
    ['a range that does not hold the peer', '10.0.0.0/8, 192.168.0.0/16'],
  ])('%s: X-Forwarded-For is ignored, every request counts against the peer', async (_name, trustProxy) => {
    const t = await start(trustProxy);
    await failFrom(t, '198.51.100.1').expect(401);
    await failFrom(t, '198.51.100.2').expect(401);
    const third = await failFrom(t, '198.51.100.3').expect(429);
    expect(third.body.error.type).toBe('rate_limit_error');
  });

  it.each([['loopback'], ['127.0.0.1'], ['127.0.0.0/8'], ['1']])(
    'TRUST_PROXY=%s (the peer is a trusted proxy): each forwarded client has its own count',
    async (trustProxy) => {
      const t = await start(trustProxy);
      await failFrom(t, '198.51.100.1').expect(401);
      await failFrom(t, '198.51.100.1').expect(401);
      await failFrom(t, '198.51.100.1').expect(429);
      await failFrom(t, '198.51.100.2').expect(401);
    },
  );

  // Azure Application Gateway writes the client's port after its address; until 2026-12-06 every connection (a new
  // source port) was a new address to the guard, and a key restricted to the client's address was refused.
  it('an address a proxy forwards with its port is the address: one count, and it matches allowed_ips', async () => {
    const t = await start('loopback');
    await failFrom(t, '198.51.100.4:50001').expect(401);
    await failFrom(t, '198.51.100.4:50002').expect(401);
    await failFrom(t, '198.51.100.4:50003').expect(429);
    await failFrom(t, '[2001:db8::4]:50001').expect(401);
    await failFrom(t, '[2001:db8::4]:50002').expect(401);
    await failFrom(t, '2001:db8::4').expect(429);
    const admin = await t.bootstrapKey('acme');
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ allowed_ips: ['203.0.113.40'] }).expect(201);
    await request(t.http).get('/v1/whoami').set(bearer(created.body.key)).set('X-Forwarded-For', '203.0.113.40:61000').expect(200);
  });

  it('a hop count trusts only that many proxies: a client cannot prepend addresses of its own', async () => {
    const t = await start('1');
    // The trusted proxy (the peer) appends the address it saw; what the client wrote before it is not believed.
    await failFrom(t, '203.0.113.1, 198.51.100.9').expect(401);
    await failFrom(t, '203.0.113.2, 198.51.100.9').expect(401);
    await failFrom(t, '203.0.113.3, 198.51.100.9').expect(429);
  });

  it('usage records the forwarded address behind a trusted proxy, the peer otherwise', async () => {
    for (const [trustProxy, expected] of [['loopback', '198.51.100.77'], [undefined, '127.0.0.1']] as const) {
      const t = await start(trustProxy);
      const admin = await t.bootstrapKey('acme');
      await request(t.http).get('/v1/api-keys').set(bearer(admin.key)).set('X-Forwarded-For', '198.51.100.77').expect(200);
      await flushUsage(t);
      const detail = await request(t.http).get(`/v1/api-keys/${admin.keyId}`).set(bearer(admin.key)).expect(200);
      expect([trustProxy, detail.body.usage.last_ip]).toEqual([trustProxy, expect.stringContaining(expected)]);
    }
  });

  it('the verify route counts wrong credentials against the same address', async () => {
    const verifyFrom = (t: TestApp, forwardedFor: string, credential: string) =>
      request(t.http).post('/v1/keys/verify').set(bearer(credential)).set('X-Forwarded-For', forwardedFor).send({ key: 'sk_x' });
    const untrusting = await start();
    await verifyFrom(untrusting, '198.51.100.1', 'wrong-credential').expect(401);
    await verifyFrom(untrusting, '198.51.100.2', 'wrong-credential').expect(401);
    await verifyFrom(untrusting, '198.51.100.3', VERIFY_TOKEN).expect(429);
    const trusting = await start('loopback');
    await verifyFrom(trusting, '198.51.100.1', 'wrong-credential').expect(401);
    await verifyFrom(trusting, '198.51.100.1', 'wrong-credential').expect(401);
    await verifyFrom(trusting, '198.51.100.1', VERIFY_TOKEN).expect(429);
    await verifyFrom(trusting, '198.51.100.2', VERIFY_TOKEN).expect(200);
  });
});
