import request from 'supertest';
import { bearer } from '../support/auth.js';
import { expectForeignIdAnswersLikeUnknown } from '../support/cross-account.js';
import { createKey } from '../support/keys.js';
import type { TestApp } from '../support/test-app.js';
import { startWithTwoAccounts } from '../support/two-accounts.js';

describe('POST /v1/api-keys/{id}/disable and /enable security', () => {
  let t: TestApp;
  let acme: string;
  let globex: { key: string; keyId: string };

  beforeAll(async () => ({ t, acme, globex } = await startWithTwoAccounts()));
  afterAll(() => t.destroy());

  it('requires a key', async () => {
    await request(t.http).post(`/v1/api-keys/${globex.keyId}/disable`).expect(401);
    await request(t.http).post(`/v1/api-keys/${globex.keyId}/enable`).expect(401);
  });

  it("answers another account's key exactly like an unknown one, and leaves it working", async () => {
    for (const action of ['disable', 'enable']) {
      await expectForeignIdAnswersLikeUnknown(t, 'post', (id) => `/v1/api-keys/${id}/${action}`, acme, globex.keyId);
    }
    await request(t.http).get('/v1/api-keys').set(bearer(globex.key)).expect(200);
  });

  it('a keys:read key cannot disable or enable', async () => {
    const reader = await createKey(t, acme, { permissions: ['keys:read'] });
    const target = await createKey(t, acme);
    for (const action of ['disable', 'enable']) {
      const res = await request(t.http).post(`/v1/api-keys/${target.id}/${action}`).set(bearer(reader.key)).expect(403);
      expect(res.body).toEqual({ error: { type: 'permission_error', message: 'This key lacks the permission keys:write.' } });
    }
    await request(t.http).get('/v1/api-keys').set(bearer(target.key)).expect(200);
  });

  it('a disabled key cannot enable itself', async () => {
    const key = await createKey(t, acme);
    await request(t.http).post(`/v1/api-keys/${key.id}/disable`).set(bearer(key.key)).expect(200);
    await request(t.http).post(`/v1/api-keys/${key.id}/enable`).set(bearer(key.key)).expect(401);
  });
});
