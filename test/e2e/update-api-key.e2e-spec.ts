import request from 'supertest';
import { apiKeyStreamId } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { createKey } from '../support/keys.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

describe.each(backends())('PATCH /v1/api-keys/{id} (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ backend, env: { MAX_KEY_LIFETIME_SECONDS: 86_400 * 30 } });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const patch = (id: string, body: object, ifMatch?: string) => {
    const req = request(t.http).patch(`/v1/api-keys/${id}`).set(bearer(admin));
    return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send(body);
  };

  it('changes name, rate limit, permissions, addresses and expiry in one KeyUpdated, and the key is in force so at once', async () => {
    const key = await createKey(t, admin, { name: 'before' });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const res = await patch(key.id, {
      name: 'after',
      rate_limit: { requests: 5, per_seconds: 10 },
      permissions: ['keys:read', 'parses:*'],
      allowed_ips: ['127.0.0.1', '2001:DB8::/32'],
      expires_at: expiresAt,
    }).expect(200);
    expect(res.body).toMatchObject({
      id: key.id,
      name: 'after',
      rate_limit: { requests: 5, per_seconds: 10 },
      permissions: ['keys:read', 'parses:*'],
      allowed_ips: ['127.0.0.1', '2001:db8::/32'],
      expires_at: expiresAt,
      status: 'active',
    });
    expect(res.headers.etag).toBe('"1"');
    const stream = await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id));
    expect(stream.map((event) => event.type)).toEqual(['KeyCreated', 'KeyUpdated']);
    expect(stream[1].data.changes).toEqual({
      name: 'after',
      rateLimit: { requests: 5, perSeconds: 10 },
      permissions: ['keys:read', 'parses:*'],
      allowedIps: ['127.0.0.1', '2001:db8::/32'],
      expiresAt,
    });
    // The new rate limit and permissions apply to the key's very next request.
    await request(t.http).get('/v1/api-keys').set(bearer(key.key)).expect(200);
    await request(t.http).post('/v1/api-keys').set(bearer(key.key)).expect(403);
  });

  it('answers the ETag of GET, takes it as If-Match, and refuses a stale one with 412, changing nothing', async () => {
    const key = await createKey(t, admin, { name: 'v0' });
    const got = await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    expect(got.headers.etag).toBe('"0"');
    const first = await patch(key.id, { name: 'v1' }, got.headers.etag).expect(200);
    expect(first.headers.etag).toBe('"1"');
    const stale = await patch(key.id, { name: 'v2' }, got.headers.etag).expect(412);
    expect(stale.body.error.type).toBe('precondition_failed_error');
    expect(stale.body.error.message).toMatch(/If-Match/);
    const after = await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    expect(after.body.name).toBe('v1');
    expect(after.headers.etag).toBe('"1"');
    await patch(key.id, { name: 'v2' }, '*').expect(200);
  });

  it('answers a GET with its ETag as If-None-Match in full: the usage in the body changes without the key version', async () => {
    const key = await createKey(t, admin);
    const got = await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    expect(got.body.request_count).toBe(0);
    await request(t.http).get('/v1/api-keys').set(bearer(key.key)).expect(200);
    await flushUsage(t);
    const again = await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin)).set('If-None-Match', got.headers.etag).expect(200);
    expect([again.headers.etag, again.body.request_count]).toEqual([got.headers.etag, 1]);
  });

  it('changes nothing for an empty body or the same values, and answers the same revision', async () => {
    const key = await createKey(t, admin, { name: 'same' });
    const res = await patch(key.id, {}).expect(200);
    expect(res.headers.etag).toBe('"0"');
    await patch(key.id, { name: 'same', permissions: ['*'] }).expect(200);
    const stream = await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id));
    expect(stream).toHaveLength(1);
  });

  it('removes a name with null', async () => {
    const key = await createKey(t, admin, { name: 'named' });
    expect((await patch(key.id, { name: null }).expect(200)).body.name).toBeNull();
  });
});
