import request from 'supertest';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('GET /v1/whoami', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.bootstrapKey('acme', 'Admin')).key;
  });
  afterAll(() => t.destroy());

  const create = async (body: object) => (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send(body).expect(201)).body;

  it('answers the key the request is made with, as GET /v1/api-keys/{id} does, with its ETag', async () => {
    const reader = await create({ name: 'Reader', permissions: ['keys:read'], allowed_ips: ['127.0.0.0/8', '::1/128', '::ffff:127.0.0.0/104'] });
    const own = await request(t.http).get('/v1/whoami').set(bearer(reader.key)).expect(200);
    expect(own.body).toMatchObject({ id: reader.id, name: 'Reader', prefix: reader.prefix, permissions: ['keys:read'], status: 'active' });
    const byId = await request(t.http).get(`/v1/api-keys/${reader.id}`).set(bearer(reader.key)).expect(200);
    expect(own.headers.etag).toBe(byId.headers.etag);
    expect({ ...own.body, usage: null, last_used_at: null, request_count: null }).toEqual({ ...byId.body, usage: null, last_used_at: null, request_count: null });
  });

  it('answers what the key may do now: a change of its permissions shows at once', async () => {
    const console = await create({ name: 'Console', permissions: ['keys:read', 'keys:write'] });
    const before = await request(t.http).get('/v1/whoami').set(bearer(console.key)).expect(200);
    await request(t.http).patch(`/v1/api-keys/${console.id}`).set(bearer(admin)).set('If-Match', before.headers.etag).send({ permissions: ['keys:read'] }).expect(200);
    const after = await request(t.http).get('/v1/whoami').set(bearer(console.key)).expect(200);
    expect(after.body.permissions).toEqual(['keys:read']);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('refuses a key without keys:read (403) and a request without a key (401)', async () => {
    const writer = await create({ name: 'Parses only', permissions: ['parses:*'] });
    const refused = await request(t.http).get('/v1/whoami').set(bearer(writer.key)).expect(403);
    expect(refused.body).toEqual({ error: { type: 'permission_error', message: 'This key lacks the permission keys:read.' } });
    await request(t.http).get('/v1/whoami').expect(401);
  });

  it('is GET only: any other method is a 405, never a change of the caller', async () => {
    for (const method of ['delete', 'patch', 'post', 'put'] as const) {
      const res = await request(t.http)[method]('/v1/whoami').set(bearer(admin)).send({ name: 'x' }).expect(405);
      expect(res.headers.allow).toBe('GET, HEAD');
    }
    const own = await request(t.http).get('/v1/whoami').set(bearer(admin)).expect(200);
    expect(own.body.name).toBe('Admin');
  });
});
