import request from 'supertest';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('Authentication on every /v1 route', () => {
  let t: TestApp;
  let valid: string;
  let revoked: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_FAILURE_LIMIT: 1000 } });
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

  it('accepts the scheme name in any case, as RFC 7235 says', async () => {
    await request(t.http).get('/v1/api-keys').set('Authorization', `bearer ${valid}`).expect(200);
  });
});
