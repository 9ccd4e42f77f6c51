import request from 'supertest';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { bearer } from '../support/auth.js';
import { startTestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

describe('POST /v1/keys/verify security', () => {
  it('does not exist without VERIFY_TOKEN', async () => {
    const t = await startTestApp();
    try {
      const key = (await t.bootstrapKey('acme')).key;
      const res = await request(t.http).post('/v1/keys/verify').set(bearer(key)).send({ key }).expect(404);
      expect(res.body.error.type).toBe('not_found_error');
    } finally {
      await t.destroy();
    }
  });

  it('refuses a missing or wrong credential, and an API key in its place', async () => {
    const t = await startTestApp({ env: { VERIFY_TOKEN } });
    try {
      const key = (await t.bootstrapKey('acme')).key;
      for (const auth of [undefined, `Bearer ${VERIFY_TOKEN}x`, `Bearer ${VERIFY_TOKEN.slice(0, -1)}`, `Bearer ${key}`]) {
        const req = request(t.http).post('/v1/keys/verify').send({ key });
        if (auth) req.set('Authorization', auth);
        const res = await req.expect(401);
        expect(res.body.error.type).toBe('authentication_error');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(JSON.stringify(res.body)).not.toContain(key);
      }
      // The credential is checked before the body is read: a stranger learns nothing from body errors.
      const unread = await request(t.http).post('/v1/keys/verify').set('Content-Type', 'application/json').send('{"key":');
      expect(unread.status).toBe(401);
    } finally {
      await t.destroy();
    }
  });

  it('is no cheap oracle: failed guesses are limited per end client and per caller', async () => {
    const t = await startTestApp({ env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 5 } });
    try {
      const key = (await t.bootstrapKey('acme')).key;
      const verify = (body: object) => request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send(body);
      const attacker = { ip: '198.51.100.9' };
      for (let i = 0; i < 5; i++) {
        expect((await verify({ key: generateApiKey(), context: attacker })).body.code).toBe('NOT_FOUND');
      }
      expect((await verify({ key, context: attacker })).body).toEqual({ valid: false, code: 'RATE_LIMITED', retry_after: expect.any(Number) });
      expect((await verify({ key, context: { ip: '198.51.100.10' } })).body.valid).toBe(true);

      for (let i = 0; i < 5; i++) {
        await request(t.http).post('/v1/keys/verify').set(bearer('wrong-credential')).send({ key }).expect(401);
      }
      await request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key }).expect(429);
    } finally {
      await t.destroy();
    }
  });

  it('limits wrong credentials per client address as every route sees it (behind a trusted loopback proxy)', async () => {
    const t = await startTestApp({ env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 3, TRUST_PROXY: 'loopback' } });
    try {
      const key = (await t.bootstrapKey('acme')).key;
      const from = (address: string, credential: string) =>
        request(t.http).post('/v1/keys/verify').set(bearer(credential)).set('X-Forwarded-For', address).send({ key });
      for (let i = 0; i < 3; i++) await from('198.51.100.20', 'wrong-credential').expect(401);
      await from('198.51.100.20', VERIFY_TOKEN).expect(429);
      expect((await from('198.51.100.21', VERIFY_TOKEN).expect(200)).body.valid).toBe(true);
    } finally {
      await t.destroy();
    }
  });
});
