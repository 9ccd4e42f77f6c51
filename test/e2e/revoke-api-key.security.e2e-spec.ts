import request from 'supertest';
import { bearer } from '../support/auth.js';
import { expectForeignIdAnswersLikeUnknown } from '../support/cross-account.js';
import type { TestApp } from '../support/test-app.js';
import { startWithTwoAccounts } from '../support/two-accounts.js';

describe('DELETE /v1/api-keys/{id} security', () => {
  let t: TestApp;
  let acme: string;
  let globex: { key: string; keyId: string };

  beforeAll(async () => ({ t, acme, globex } = await startWithTwoAccounts()));
  afterAll(() => t.destroy());

  it('requires a key', async () => {
    await request(t.http).delete(`/v1/api-keys/${globex.keyId}`).expect(401);
  });

  it("answers another account's key exactly like an unknown one, and leaves it working", async () => {
    await expectForeignIdAnswersLikeUnknown(t, 'delete', (id) => `/v1/api-keys/${id}`, acme, globex.keyId);
    await request(t.http).get('/v1/api-keys').set(bearer(globex.key)).expect(200);
  });

  it('does not echo the presented key in any error', async () => {
    const fake = `${acme.slice(0, -1)}${acme.endsWith('a') ? 'b' : 'a'}`;
    const res = await request(t.http).delete(`/v1/api-keys/${globex.keyId}`).set(bearer(fake)).expect(401);
    expect(JSON.stringify(res.body)).not.toContain(fake);
    expect(JSON.stringify(res.headers)).not.toContain(fake);
  });
});
