import request from 'supertest';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('GET /v1/api-keys/{id}/events security', () => {
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
    await request(t.http).get(`/v1/api-keys/${globex.keyId}/events`).expect(401);
  });

  it("answers another account's key exactly like an unknown one, also as of a time", async () => {
    const unknownId = '550e8400-e29b-41d4-a716-446655440000';
    const foreign = await request(t.http).get(`/v1/api-keys/${globex.keyId}/events`).set(bearer(acme)).expect(404);
    const unknown = await request(t.http).get(`/v1/api-keys/${unknownId}/events`).set(bearer(acme)).expect(404);
    expect(foreign.body.error.message.replace(globex.keyId, 'ID')).toBe(unknown.body.error.message.replace(unknownId, 'ID'));
    const asOf = new Date().toISOString();
    await request(t.http).get(`/v1/api-keys/${globex.keyId}?as_of=${asOf}`).set(bearer(acme)).expect(404);
  });

  it('never shows the key in its own trail', async () => {
    const res = await request(t.http).get(`/v1/api-keys/${globex.keyId}/events`).set(bearer(globex.key)).expect(200);
    expect(JSON.stringify(res.body)).not.toContain(globex.key.slice(12));
  });
});
