import request from 'supertest';
import { bearer } from '../support/auth.js';
import type { TestApp } from '../support/test-app.js';
import { startWithTwoAccounts } from '../support/two-accounts.js';

describe('GET /v1/whoami security', () => {
  let t: TestApp;
  let acme: string;
  let globex: { key: string; keyId: string };

  beforeAll(async () => ({ t, acme, globex } = await startWithTwoAccounts()));
  afterAll(() => t.destroy());

  it('requires a valid key: a missing, malformed or unknown one is the usual 401', async () => {
    await request(t.http).get('/v1/whoami').expect(401);
    await request(t.http).get('/v1/whoami').set(bearer('sk_nope')).expect(401);
    await request(t.http).get('/v1/whoami').set(bearer(`sk_${'a'.repeat(38)}`)).expect(401);
  });

  it('answers each account its own key only, and never the secret or its hash', async () => {
    const own = await request(t.http).get('/v1/whoami').set(bearer(globex.key)).expect(200);
    expect(own.body).toMatchObject({ id: globex.keyId });
    const other = await request(t.http).get('/v1/whoami').set(bearer(acme)).expect(200);
    expect(other.body.id).not.toBe(globex.keyId);
    expect(JSON.stringify(other.body)).not.toContain(globex.keyId);
    for (const answer of [own, other]) {
      expect(JSON.stringify(answer.body)).not.toMatch(/sk_[0-9A-Za-z]{38}/);
      expect(JSON.stringify(answer.body)).not.toMatch(/[0-9a-f]{64}/);
    }
  });

  it('answers nothing of a revoked key', async () => {
    const created = (await request(t.http).post('/v1/api-keys').set(bearer(acme)).send({ name: 'Short-lived' }).expect(201)).body;
    await request(t.http).delete(`/v1/api-keys/${created.id}`).set(bearer(acme)).expect(200);
    await request(t.http).get('/v1/whoami').set(bearer(created.key)).expect(401);
  });
});
