import request from 'supertest';
import { bearer } from '../support/auth.js';
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
