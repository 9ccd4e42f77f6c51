import request from 'supertest';
import { bearer } from '../support/auth.js';
import { expectForeignIdAnswersLikeUnknown } from '../support/cross-account.js';
import type { TestApp } from '../support/test-app.js';
import { startWithTwoAccounts } from '../support/two-accounts.js';

describe('GET /v1/api-keys/{id}/events security', () => {
  let t: TestApp;
  let acme: string;
  let globex: { key: string; keyId: string };

  beforeAll(async () => ({ t, acme, globex } = await startWithTwoAccounts()));
  afterAll(() => t.destroy());

  it('requires a key', async () => {
    await request(t.http).get(`/v1/api-keys/${globex.keyId}/events`).expect(401);
  });

  it("answers another account's key exactly like an unknown one, also as of a time", async () => {
    await expectForeignIdAnswersLikeUnknown(t, 'get', (id) => `/v1/api-keys/${id}/events`, acme, globex.keyId);
    await expectForeignIdAnswersLikeUnknown(t, 'get', (id) => `/v1/api-keys/${id}/events?direction=newest_first`, acme, globex.keyId);
    const asOf = new Date().toISOString();
    await expectForeignIdAnswersLikeUnknown(t, 'get', (id) => `/v1/api-keys/${id}?as_of=${asOf}`, acme, globex.keyId);
  });

  it('never shows the key in its own trail', async () => {
    const res = await request(t.http).get(`/v1/api-keys/${globex.keyId}/events`).set(bearer(globex.key)).expect(200);
    expect(JSON.stringify(res.body)).not.toContain(globex.key.slice(12));
  });
});
