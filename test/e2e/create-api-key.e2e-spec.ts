import request from 'supertest';
import { bearer, ISO_DATE, UUID } from '../support/auth.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';

describe.each(backends())('POST /v1/api-keys (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ backend });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  it('creates a key and shows the full key once, in the documented shape', async () => {
    const res = await request(t.http)
      .post('/v1/api-keys')
      .set(bearer(admin))
      .send({ name: 'Production API Key' })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Production API Key',
      key: expect.stringMatching(/^sk_[0-9A-Za-z]{38}$/),
      prefix: res.body.key.slice(0, 12),
      status: 'active',
      disabled: false,
      permissions: ['*'],
      allowed_ips: [],
      expires_at: null,
      predecessor_id: null,
      rotation: null,
      rate_limit: { requests: 1000, per_seconds: 60 },
      request_count: 0,
      created_at: expect.stringMatching(ISO_DATE),
      last_used_at: null,
      revoked_at: null,
    });
    expect(res.headers['x-request-id']).toMatch(/^req_/);
  });

  it('creates a key without a body or a name', async () => {
    const res = await request(t.http).post('/v1/api-keys').set(bearer(admin)).expect(201);
    expect(res.body.name).toBeNull();
    const empty = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({}).expect(201);
    expect(empty.body.name).toBeNull();
  });

  it('makes the new key usable and listed as soon as the response arrives (read-your-writes)', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'fresh' }).expect(201);
    const list = await request(t.http).get('/v1/api-keys').set(bearer(created.body.key)).expect(200);
    expect(list.body.data[0].id).toBe(created.body.id);
  });

  it('accepts names of 1 and 100 characters', async () => {
    await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'x' }).expect(201);
    await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'x'.repeat(100) }).expect(201);
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 42 }, 'name'],
    [{ name: 'ok', admin: true }, 'admin'],
  ])('refuses %j with 400 naming the field', async (body, field) => {
    const res = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send(body).expect(400);
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(res.body.error.message).toContain(field);
  });

  it('refuses a JSON body that is not an object', async () => {
    const res = await request(t.http)
      .post('/v1/api-keys')
      .set(bearer(admin))
      .set('Content-Type', 'application/json')
      .send('"just a string"')
      .expect(400);
    expect(res.body.error.type).toBe('invalid_request_error');
  });
});
