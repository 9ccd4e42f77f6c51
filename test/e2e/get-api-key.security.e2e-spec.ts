import request from 'supertest';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('GET /v1/api-keys/{id} security', () => {
  let t: TestApp;
  let acme: string;
  let globex: { key: string; keyId: string };

  beforeAll(async () => {
    t = await startTestApp();
    acme = (await t.bootstrapKey('acme')).key;
    globex = await t.bootstrapKey('globex');
  });
  afterAll(() => t.destroy());

  it('requires a key', async () => {
    await request(t.http).get(`/v1/api-keys/${globex.keyId}`).expect(401);
  });

  it("answers another account's key exactly like an unknown one", async () => {
    const foreign = await request(t.http).get(`/v1/api-keys/${globex.keyId}`).set(bearer(acme)).expect(404);
    const unknownId = '550e8400-e29b-41d4-a716-446655440000';
    const unknown = await request(t.http).get(`/v1/api-keys/${unknownId}`).set(bearer(acme)).expect(404);
    expect(foreign.body.error.message.replace(globex.keyId, 'ID')).toBe(unknown.body.error.message.replace(unknownId, 'ID'));
  });

  it('answers 400 for a malformed id and never returns the key', async () => {
    await request(t.http).get('/v1/api-keys/nope').set(bearer(acme)).expect(400);
    const own = await request(t.http).get(`/v1/api-keys/${globex.keyId}`).set(bearer(globex.key)).expect(200);
    expect(JSON.stringify(own.body)).not.toContain(globex.key);
    expect(JSON.stringify(own.body)).not.toMatch(/[0-9a-f]{64}/);
  });
});
