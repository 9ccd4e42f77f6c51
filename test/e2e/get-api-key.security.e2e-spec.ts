import request from 'supertest';
import { bearer } from '../support/auth.js';
import { expectForeignIdAnswersLikeUnknown } from '../support/cross-account.js';
import type { TestApp } from '../support/test-app.js';
import { startWithTwoAccounts } from '../support/two-accounts.js';

describe('GET /v1/api-keys/{id} security', () => {
  let t: TestApp;
  let acme: string;
  let globex: { key: string; keyId: string };

  beforeAll(async () => ({ t, acme, globex } = await startWithTwoAccounts()));
  afterAll(() => t.destroy());

  it('requires a key', async () => {
    await request(t.http).get(`/v1/api-keys/${globex.keyId}`).expect(401);
  });

  it("answers another account's key exactly like an unknown one", async () => {
    await expectForeignIdAnswersLikeUnknown(t, 'get', (id) => `/v1/api-keys/${id}`, acme, globex.keyId);
  });

  it('answers 400 for a malformed id and never returns the key', async () => {
    await request(t.http).get('/v1/api-keys/nope').set(bearer(acme)).expect(400);
    const own = await request(t.http).get(`/v1/api-keys/${globex.keyId}`).set(bearer(globex.key)).expect(200);
    expect(JSON.stringify(own.body)).not.toContain(globex.key);
    expect(JSON.stringify(own.body)).not.toMatch(/[0-9a-f]{64}/);
  });
});
