import request from 'supertest';
import { bearer } from '../support/auth.js';
import { expectForeignIdAnswersLikeUnknown } from '../support/cross-account.js';
import { createKey } from '../support/keys.js';
import type { TestApp } from '../support/test-app.js';
import { startWithTwoAccounts } from '../support/two-accounts.js';

describe('POST /v1/api-keys/{id}/roll security', () => {
  let t: TestApp;
  let acme: string;
  let globex: { key: string; keyId: string };

  beforeAll(async () => ({ t, acme, globex } = await startWithTwoAccounts()));
  afterAll(() => t.destroy());

  it('requires a key', async () => {
    await request(t.http).post(`/v1/api-keys/${globex.keyId}/roll`).send({ grace_seconds: 0 }).expect(401);
  });

  it("answers another account's key exactly like an unknown one, and leaves it working", async () => {
    await expectForeignIdAnswersLikeUnknown(t, 'post', (id) => `/v1/api-keys/${id}/roll`, acme, globex.keyId, { grace_seconds: 0 });
    await request(t.http).get('/v1/api-keys').set(bearer(globex.key)).expect(200);
  });

  it('a keys:read key cannot roll', async () => {
    const reader = await createKey(t, acme, { permissions: ['keys:read'] });
    const res = await request(t.http).post(`/v1/api-keys/${reader.id}/roll`).set(bearer(reader.key)).send({ grace_seconds: 0 }).expect(403);
    expect(res.body.error).toEqual({ type: 'permission_error', message: 'This key lacks the permission keys:write.' });
  });

  it('a narrower key cannot roll a wider one (it would receive its successor), and a refused roll creates nothing', async () => {
    const narrow = await createKey(t, acme, { permissions: ['keys:read', 'keys:write'] });
    const wide = await createKey(t, acme, { name: 'wide' });
    const res = await request(t.http).post(`/v1/api-keys/${wide.id}/roll`).set(bearer(narrow.key)).send({ grace_seconds: 0 }).expect(403);
    expect(res.body.error.message).toBe('This key may not grant permissions it does not hold: *.');
    await request(t.http).get('/v1/api-keys').set(bearer(wide.key)).expect(200);
    const list = await request(t.http).get('/v1/api-keys?limit=100').set(bearer(acme)).expect(200);
    expect(list.body.data.filter((k: { predecessor_id: string | null }) => k.predecessor_id === wide.id)).toEqual([]);
  });

  it('a key ending in an hour cannot roll a key that outlives it, nor a key with a higher limit; it may roll itself', async () => {
    const hourKey = await createKey(t, acme, { expires_in_seconds: 3600, rate_limit: { requests: 10, per_seconds: 60 } });
    const permanent = await createKey(t, acme, { name: 'permanent', rate_limit: { requests: 10, per_seconds: 60 } });
    const outlives = await request(t.http).post(`/v1/api-keys/${permanent.id}/roll`).set(bearer(hourKey.key)).send({ grace_seconds: 0 }).expect(403);
    expect(outlives.body.error).toEqual({ type: 'permission_error', message: `This key may not grant use beyond its own expires_at (${hourKey.expires_at}).` });
    const faster = await createKey(t, acme, { name: 'faster', expires_in_seconds: 60 });
    const above = await request(t.http).post(`/v1/api-keys/${faster.id}/roll`).set(bearer(hourKey.key)).send({ grace_seconds: 0 }).expect(403);
    expect(above.body.error.message).toBe('This key may not grant a rate_limit above its own (10 requests per 60 seconds).');
    const list = await request(t.http).get('/v1/api-keys?limit=100').set(bearer(acme)).expect(200);
    expect(list.body.data.filter((k: { predecessor_id: string | null }) => k.predecessor_id === permanent.id || k.predecessor_id === faster.id)).toEqual([]);
    await request(t.http).get('/v1/api-keys').set(bearer(permanent.key)).expect(200);

    const successor = await request(t.http).post(`/v1/api-keys/${hourKey.id}/roll`).set(bearer(hourKey.key)).send({ grace_seconds: 60 }).expect(201);
    expect(successor.body).toMatchObject({ expires_at: hourKey.expires_at, rate_limit: { requests: 10, per_seconds: 60 }, predecessor_id: hourKey.id });
  });

  it('shows the successor key only in the roll answer', async () => {
    const old = await createKey(t, acme);
    const rolled = await request(t.http).post(`/v1/api-keys/${old.id}/roll`).set(bearer(acme)).send({ grace_seconds: 10 }).expect(201);
    const detail = await request(t.http).get(`/v1/api-keys/${rolled.body.id}`).set(bearer(acme)).expect(200);
    expect(JSON.stringify(detail.body)).not.toContain(rolled.body.key);
    const history = await request(t.http).get(`/v1/api-keys/${rolled.body.id}/events`).set(bearer(acme)).expect(200);
    expect(JSON.stringify(history.body)).not.toContain(rolled.body.key);
  });
});
