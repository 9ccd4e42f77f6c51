import request from 'supertest';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { bearer } from '../support/auth.js';
import { rawRequest } from '../support/raw-request.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

describe('Authentication on every /v1 route', () => {
  let t: TestApp;
  let valid: string;
  let revoked: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_FAILURE_LIMIT: 1000, VERIFY_TOKEN } });
    valid = (await t.bootstrapKey('acme')).key;
    const doomed = await t.bootstrapKey('acme', 'doomed');
    revoked = doomed.key;
    await request(t.http).delete(`/v1/api-keys/${doomed.keyId}`).set(bearer(valid)).expect(200);
  });
  afterAll(() => t.destroy());

  const routes = [
    ['get', '/v1/api-keys'],
    ['post', '/v1/api-keys'],
    ['delete', '/v1/api-keys/550e8400-e29b-41d4-a716-446655440000'],
  ] as const;

  const invalidKeys = () => ({
    unknown: generateApiKey(),
    revoked,
    'bad checksum': `${valid.slice(0, -1)}${valid.endsWith('a') ? 'b' : 'a'}`,
    malformed: 'sk_short',
  });

  describe.each(routes)('%s %s', (method, path) => {
    it('answers 401 with WWW-Authenticate when the header is missing or not Bearer', async () => {
      for (const header of [undefined, `Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer', valid]) {
        const req = request(t.http)[method](path);
        if (header) req.set('Authorization', header);
        const res = await req.expect(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(res.body.error.type).toBe('authentication_error');
      }
    });

    it('answers unknown, revoked, mistyped and malformed keys with one identical body', async () => {
      const bodies = [];
      for (const key of Object.values(invalidKeys())) {
        const res = await request(t.http)[method](path).set(bearer(key)).expect(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        bodies.push(res.body);
      }
      expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
      expect(bodies[0]).toEqual({ error: { type: 'authentication_error', message: 'Invalid API key provided.' } });
    });
  });

  // Node keeps only the first of several Authorization fields: until 2026-12-06 a request with two keys acted as the
  // first, silently, while a proxy or log in front of the service may read the last.
  it('refuses a request with two different Authorization fields, on every kind of route, and takes one repeated', async () => {
    const other = (await t.bootstrapKey('globex')).key;
    const twoKeys = { Authorization: [`Bearer ${valid}`, `Bearer ${other}`] };
    for (const [method, path] of [['GET', '/v1/api-keys'], ['GET', '/v1/whoami'], ['POST', '/v1/api-keys']] as const) {
      const answer = await rawRequest(t.http, method, path, twoKeys);
      expect([method, path, answer.status, answer.body.error.type]).toEqual([method, path, 401, 'authentication_error']);
      const same = await rawRequest(t.http, 'GET', path, { Authorization: [`Bearer ${valid}`, `Bearer ${valid}`] });
      expect([path, same.status]).toEqual([path, 200]);
    }
    const body = Buffer.from(JSON.stringify({ key: valid }));
    const verify = (authorization: string[]) =>
      rawRequest(t.http, 'POST', '/v1/keys/verify', { Authorization: authorization, 'Content-Type': 'application/json' }, body);
    expect((await verify([`Bearer ${VERIFY_TOKEN}`, 'Bearer something-else-entirely'])).status).toBe(401);
    expect((await verify([`Bearer ${VERIFY_TOKEN}`, `Bearer ${VERIFY_TOKEN}`])).body.valid).toBe(true);
  });

  it('accepts the scheme name in any case, as RFC 7235 says', async () => {
    await request(t.http).get('/v1/api-keys').set('Authorization', `bearer ${valid}`).expect(200);
  });
});
