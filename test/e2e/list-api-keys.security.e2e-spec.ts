import request from 'supertest';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('GET /v1/api-keys security', () => {
  let t: TestApp;
  let acme: string;
  let globex: string;
  let globexKeyId: string;

  beforeAll(async () => {
    t = await startTestApp();
    acme = (await t.bootstrapKey('acme')).key;
    const created = await t.bootstrapKey('globex');
    globex = created.key;
    globexKeyId = created.keyId;
  });
  afterAll(() => t.destroy());

  it('requires a key', async () => {
    await request(t.http).get('/v1/api-keys').expect(401);
  });

  it("shows only the caller's account", async () => {
    const res = await request(t.http).get('/v1/api-keys').set(bearer(acme)).expect(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data.map((k: { id: string }) => k.id)).not.toContain(globexKeyId);
  });

  it("refuses another account's key id as a cursor exactly like an unknown id", async () => {
    const foreign = await request(t.http).get(`/v1/api-keys?starting_after=${globexKeyId}`).set(bearer(acme)).expect(404);
    const unknown = await request(t.http)
      .get('/v1/api-keys?starting_after=550e8400-e29b-41d4-a716-446655440000')
      .set(bearer(acme))
      .expect(404);
    expect(foreign.body).toEqual(unknown.body);
  });

  it('never returns the key or its hash', async () => {
    const res = await request(t.http).get('/v1/api-keys').set(bearer(globex)).expect(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(globex);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toMatch(/hash/i);
  });
});
