import request from 'supertest';
import { bearer } from '../support/auth.js';
import { createKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('PATCH /v1/api-keys/{id} errors', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { MAX_KEY_LIFETIME_SECONDS: 3600 } });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const patch = (id: string, body: unknown) => request(t.http).patch(`/v1/api-keys/${id}`).set(bearer(admin)).send(body as object);

  it.each([
    [{ permissions: ['keys'] }, /permissions must be "\*" or "<resource>:<action>"/],
    [{ permissions: [] }, /permissions must list 1 to 50/],
    [{ permissions: 'keys:read' }, /permissions must be an array/],
    [{ permissions: null }, /permissions must be an array/],
    [{ allowed_ips: null }, /allowed_ips must be an array/],
    [{ allowed_ips: ['203.0.113.0/33'] }, /allowed_ips must hold IPv4 or IPv6 addresses or CIDR blocks/],
    [{ allowed_ips: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`) }, /at most 100/],
    [{ expires_at: 'tomorrow' }, /expires_at must be an RFC 3339 date-time/],
    [{ expires_at: '2020-01-01T00:00:00Z' }, /expires_at must be in the future/],
    [{ expires_at: null }, /expires_at may not be removed/],
    [{ rate_limit: { requests: 0, per_seconds: 1 } }, /requests must be an integer/],
    [{ colour: 'red' }, /colour/],
  ])('refuses %j with 400 naming the rule', async (body, message) => {
    const key = await createKey(t, admin);
    const res = await patch(key.id, body).expect(400);
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(res.body.error.message).toMatch(message);
  });

  it('refuses an expiry beyond the maximum lifetime from the key creation', async () => {
    const key = await createKey(t, admin);
    expect(key.expires_at).not.toBeNull();
    const beyond = new Date(Date.parse(key.created_at) + 3601_000).toISOString();
    const res = await patch(key.id, { expires_at: beyond }).expect(400);
    expect(res.body.error.message).toBe('expires_at is beyond the maximum key lifetime of 3600 seconds (MAX_KEY_LIFETIME_SECONDS).');
  });

  it('refuses an If-Match that is no list of ETags with 400, and an invalid change with 400 even under a stale If-Match', async () => {
    const key = await createKey(t, admin);
    for (const ifMatch of ['', '3', 'W/0', '"0" "1"', '"0",', '"a"b"', '*, "0"', '"\u00e9"']) {
      const res = await request(t.http).patch(`/v1/api-keys/${key.id}`).set(bearer(admin)).set('If-Match', ifMatch).send({ name: 'x' }).expect(400);
      expect(res.body.error.message).toMatch(/If-Match must be/);
    }
    await request(t.http).patch(`/v1/api-keys/${key.id}`).set(bearer(admin)).set('If-Match', '"7"').send({ permissions: ['nope'] }).expect(400);
    await request(t.http).patch(`/v1/api-keys/${key.id}`).set(bearer(admin)).set('If-Match', '"7"').send({ name: 'x' }).expect(412);
  });

  it('answers 409 for a revoked key, 404 for an unknown one, 400 for an id that is no UUID', async () => {
    const key = await createKey(t, admin);
    await request(t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    const res = await patch(key.id, { name: 'x' }).expect(409);
    expect(res.body.error.message).toBe(`API key ${key.id} is revoked.`);
    await patch('550e8400-e29b-41d4-a716-446655440000', { name: 'x' }).expect(404);
    await patch('nope', { name: 'x' }).expect(400);
  });
});
