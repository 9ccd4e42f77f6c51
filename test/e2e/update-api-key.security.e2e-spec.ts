import request from 'supertest';
import { bearer } from '../support/auth.js';
import { expectForeignIdAnswersLikeUnknown } from '../support/cross-account.js';
import { createKey } from '../support/keys.js';
import type { TestApp } from '../support/test-app.js';
import { startWithTwoAccounts } from '../support/two-accounts.js';

describe('PATCH /v1/api-keys/{id} security', () => {
  let t: TestApp;
  let acme: string;
  let globex: { key: string; keyId: string };

  beforeAll(async () => ({ t, acme, globex } = await startWithTwoAccounts()));
  afterAll(() => t.destroy());

  it('requires a key', async () => {
    await request(t.http).patch(`/v1/api-keys/${globex.keyId}`).send({ name: 'x' }).expect(401);
  });

  it("answers another account's key exactly like an unknown one, stale If-Match or not, and leaves it unchanged", async () => {
    await expectForeignIdAnswersLikeUnknown(t, 'patch', (id) => `/v1/api-keys/${id}`, acme, globex.keyId, { name: 'pwned' });
    await request(t.http).patch(`/v1/api-keys/${globex.keyId}`).set(bearer(acme)).set('If-Match', '"99"').send({ name: 'x' }).expect(404);
    const own = await request(t.http).get(`/v1/api-keys/${globex.keyId}`).set(bearer(globex.key)).expect(200);
    expect(own.body.name).toBe('Bootstrap key');
  });

  it('a keys:read key cannot change keys: 403 permission_error naming keys:write', async () => {
    const reader = await createKey(t, acme, { permissions: ['keys:read'] });
    const target = await createKey(t, acme, { name: 'target' });
    const res = await request(t.http).patch(`/v1/api-keys/${target.id}`).set(bearer(reader.key)).send({ name: 'x' }).expect(403);
    expect(res.body).toEqual({ error: { type: 'permission_error', message: 'This key lacks the permission keys:write.' } });
    await request(t.http).patch(`/v1/api-keys/${reader.id}`).set(bearer(reader.key)).send({ permissions: ['*'] }).expect(403);
  });

  it('a key cannot widen permissions beyond its own, on itself or another key', async () => {
    const writer = await createKey(t, acme, { permissions: ['keys:read', 'keys:write'] });
    const own = await request(t.http).patch(`/v1/api-keys/${writer.id}`).set(bearer(writer.key)).send({ permissions: ['*'] }).expect(403);
    expect(own.body).toEqual({ error: { type: 'permission_error', message: 'This key may not grant permissions it does not hold: *.' } });
    const other = await createKey(t, acme, { permissions: ['keys:read'] });
    await request(t.http).patch(`/v1/api-keys/${other.id}`).set(bearer(writer.key)).send({ permissions: ['parses:write'] }).expect(403);
    await request(t.http).patch(`/v1/api-keys/${other.id}`).set(bearer(writer.key)).send({ permissions: ['keys:write'] }).expect(200);
  });

  it('a restricted key cannot lift its own restriction, nor widen it', async () => {
    const restricted = await createKey(t, acme, { allowed_ips: ['127.0.0.0/8'] });
    for (const allowed_ips of [[], ['0.0.0.0/0'], ['127.0.0.1', '203.0.113.7']]) {
      const res = await request(t.http).patch(`/v1/api-keys/${restricted.id}`).set(bearer(restricted.key)).send({ allowed_ips }).expect(403);
      expect(res.body.error.message).toBe('This key may not grant use from addresses outside its own allowed_ips.');
    }
    const narrowed = await request(t.http).patch(`/v1/api-keys/${restricted.id}`).set(bearer(restricted.key)).send({ allowed_ips: ['127.0.0.1'] }).expect(200);
    expect(narrowed.body.allowed_ips).toEqual(['127.0.0.1']);
  });

  it('a key ending in an hour cannot make itself permanent or faster, but may narrow itself', async () => {
    const hourKey = await createKey(t, acme, { permissions: ['keys:write', 'keys:read'], expires_in_seconds: 3600, rate_limit: { requests: 10, per_seconds: 60 } });
    const beyond = { error: { type: 'permission_error', message: `This key may not grant use beyond its own expires_at (${hourKey.expires_at}).` } };
    const above = { error: { type: 'permission_error', message: 'This key may not grant a rate_limit above its own (10 requests per 60 seconds).' } };
    const patch = (body: object) => request(t.http).patch(`/v1/api-keys/${hourKey.id}`).set(bearer(hourKey.key)).send(body);
    expect((await patch({ expires_at: null, rate_limit: { requests: 1_000_000, per_seconds: 1 } }).expect(403)).body.error.type).toBe('permission_error');
    expect((await patch({ expires_at: null }).expect(403)).body).toEqual(beyond);
    expect((await patch({ expires_at: '2099-01-01T00:00:00Z' }).expect(403)).body).toEqual(beyond);
    expect((await patch({ rate_limit: { requests: 1_000_000, per_seconds: 1 } }).expect(403)).body).toEqual(above);
    const unchanged = await request(t.http).get(`/v1/api-keys/${hourKey.id}`).set(bearer(acme)).expect(200);
    expect(unchanged.body).toMatchObject({ expires_at: hourKey.expires_at, rate_limit: { requests: 10, per_seconds: 60 } });
    const narrowed = await patch({ rate_limit: { requests: 5, per_seconds: 60 } }).expect(200);
    expect(narrowed.body.rate_limit).toEqual({ requests: 5, per_seconds: 60 });
  });

  it("a key ending in an hour cannot lift another key's expiry, and a restricted key cannot raise another key's limit above its own", async () => {
    const hourWriter = await createKey(t, acme, { permissions: ['keys:read', 'keys:write'], expires_in_seconds: 3600 });
    const star = await createKey(t, acme, { name: 'star', expires_in_seconds: 3600 });
    const lifted = await request(t.http).patch(`/v1/api-keys/${star.id}`).set(bearer(hourWriter.key)).send({ expires_at: null }).expect(403);
    expect(lifted.body.error).toEqual({ type: 'permission_error', message: `This key may not grant use beyond its own expires_at (${hourWriter.expires_at}).` });
    await request(t.http).patch(`/v1/api-keys/${star.id}`).set(bearer(hourWriter.key)).send({ expires_at: hourWriter.expires_at }).expect(200);

    const loopback = await createKey(t, acme, { allowed_ips: ['127.0.0.0/8'] });
    const raised = await request(t.http).patch(`/v1/api-keys/${star.id}`).set(bearer(loopback.key)).send({ rate_limit: { requests: 1_000_000, per_seconds: 1 } }).expect(403);
    expect(raised.body.error).toEqual({ type: 'permission_error', message: 'This key may not grant a rate_limit above its own (1000 requests per 60 seconds).' });
    const detail = await request(t.http).get(`/v1/api-keys/${star.id}`).set(bearer(acme)).expect(200);
    expect(detail.body).toMatchObject({ expires_at: hourWriter.expires_at, rate_limit: { requests: 1000, per_seconds: 60 } });
    await request(t.http).patch(`/v1/api-keys/${star.id}`).set(bearer(loopback.key)).send({ rate_limit: { requests: 10, per_seconds: 60 } }).expect(200);
  });

  it('keeps a key pasted into the name out of the log and the answer', async () => {
    const target = await createKey(t, acme);
    const res = await request(t.http).patch(`/v1/api-keys/${target.id}`).set(bearer(acme)).send({ name: `oops ${acme}` }).expect(200);
    expect(JSON.stringify(res.body)).not.toContain(acme);
    const history = await request(t.http).get(`/v1/api-keys/${target.id}/events`).set(bearer(acme)).expect(200);
    expect(JSON.stringify(history.body)).not.toContain(acme);
  });
});
