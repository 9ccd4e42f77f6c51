import request from 'supertest';
import { bearer, ISO_DATE, UUID } from '../support/auth.js';
import { rawRequest } from '../support/raw-request.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../../src/usage/projection/key-usage-read-model.port.js';

describe.each(backends())('GET /v1/api-keys (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;
  const names: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ backend });
    admin = (await t.bootstrapKey('acme', 'k00')).key;
    names.push('k00');
    for (let i = 1; i <= 24; i++) {
      const name = `k${String(i).padStart(2, '0')}`;
      await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name }).expect(201);
      names.push(name);
    }
  });
  afterAll(() => t.destroy());

  it('lists redacted keys newest first, 20 by default', async () => {
    const res = await request(t.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
    expect(res.body.has_more).toBe(true);
    expect(res.body.data).toHaveLength(20);
    expect(res.body.data.map((k: { name: string }) => k.name)).toEqual([...names].reverse().slice(0, 20));
    expect(Object.keys(res.body.data[0]).sort()).toEqual(
      [
        'created_at', 'id', 'last_used_at', 'name', 'prefix', 'rate_limit', 'request_count', 'revoked_at', 'status',
        'disabled', 'permissions', 'allowed_ips', 'expires_at', 'predecessor_id', 'rotation',
      ].sort(),
    );
    expect(res.body.data[0]).toMatchObject({
      id: expect.stringMatching(UUID),
      prefix: expect.stringMatching(/^sk_[0-9A-Za-z]{9}$/),
      status: 'active',
      created_at: expect.stringMatching(ISO_DATE),
      revoked_at: null,
    });
  });

  it('pages with limit and starting_after until has_more is false, with no gap or repeat', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query = cursor ? `?limit=7&starting_after=${cursor}` : '?limit=7';
      const res = await request(t.http).get(`/v1/api-keys${query}`).set(bearer(admin)).expect(200);
      seen.push(...res.body.data.map((k: { name: string }) => k.name));
      if (!res.body.has_more) break;
      cursor = res.body.data[res.body.data.length - 1].id;
    }
    expect(seen).toEqual([...names].reverse());
  });

  it('shows each key’s uses from the request thread’s summary table, kept current by the usage projection, with the usage views unreadable', async () => {
    const used = (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'used' }).expect(201)).body;
    names.push('used');
    const countOf = async () =>
      (await request(t.http).get('/v1/api-keys?limit=1').set(bearer(admin)).expect(200)).body.data[0] as { id: string; request_count: number; last_used_at: string | null };
    for (let i = 0; i < 3; i++) await request(t.http).get('/v1/alerts').set(bearer(used.key)).expect(200);
    await flushUsage(t);
    expect(await countOf()).toMatchObject({ id: used.id, request_count: 3, last_used_at: expect.stringMatching(ISO_DATE) });

    // From here on the usage views cannot be read on this thread: what the listing shows comes from memory.
    const views = t.app.get<KeyUsageReadModel>(KEY_USAGE_READ_MODEL);
    const { summaries } = views;
    views.summaries = async () => Promise.reject(new Error('the listing read the usage views'));
    try {
      for (let i = 0; i < 2; i++) await request(t.http).get('/v1/alerts').set(bearer(used.key)).expect(200);
      await flushUsage(t);
      expect(await countOf()).toMatchObject({ id: used.id, request_count: 5 });
    } finally {
      views.summaries = summaries;
    }
  });

  it('gives each key its requests per hour with include=requests_per_hour, as the key’s own page does, in one request', async () => {
    const charted = (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'charted' }).expect(201)).body;
    names.push('charted');
    for (let i = 0; i < 4; i++) await request(t.http).get('/v1/alerts').set(bearer(charted.key)).expect(200);
    await flushUsage(t);
    const listed = (await request(t.http).get('/v1/api-keys?limit=3&include=requests_per_hour').set(bearer(admin)).expect(200)).body.data;
    expect(listed).toHaveLength(3);
    for (const key of listed) {
      const detail = (await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200)).body;
      expect([key.id, key.requests_per_hour]).toEqual([key.id, detail.usage.requests_per_hour]);
      expect(key.requests_per_hour).toHaveLength(24);
    }
    expect(listed[0].id).toBe(charted.id);
    expect(listed[0].requests_per_hour.reduce((sum: number, hour: { count: number }) => sum + hour.count, 0)).toBe(4);
    // Without it the listing stays as it was: no usage view read, no hourly counts.
    const plain = (await request(t.http).get('/v1/api-keys?limit=3').set(bearer(admin)).expect(200)).body.data;
    expect(plain.map((key: object) => 'requests_per_hour' in key)).toEqual([false, false, false]);
    const refused = await request(t.http).get('/v1/api-keys?include=usage').set(bearer(admin)).expect(400);
    expect(refused.body.error.message).toBe('include must be one of requests_per_hour');
  });

  it('keeps revoked keys listed with status revoked', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'to-revoke' }).expect(201);
    await request(t.http).delete(`/v1/api-keys/${created.body.id}`).set(bearer(admin)).expect(200);
    const res = await request(t.http).get('/v1/api-keys?limit=1').set(bearer(admin)).expect(200);
    expect(res.body.data[0]).toMatchObject({ id: created.body.id, status: 'revoked', revoked_at: expect.stringMatching(ISO_DATE) });
    names.push('to-revoke');
  });

  it('answers a page byte for byte as JSON.stringify gives its keys, each as its own page shows it, again after a change and a use', async () => {
    /** The page's text made from each key's own page (served through Nest), its listed fields in their order. */
    const LISTED = ['id', 'name', 'prefix', 'status', 'disabled', 'permissions', 'allowed_ips', 'expires_at', 'predecessor_id', 'rotation', 'rate_limit', 'request_count', 'created_at', 'last_used_at', 'revoked_at'];
    const expectPageAsItsKeys = async () => {
      const page = await request(t.http).get('/v1/api-keys?limit=4').set(bearer(admin)).expect(200);
      const details = [];
      for (const { id } of page.body.data) details.push((await request(t.http).get(`/v1/api-keys/${id}`).set(bearer(admin)).expect(200)).body);
      const keys = details.map((detail) => Object.fromEntries(LISTED.map((field) => [field, field === 'request_count' ? detail.usage.accepted + detail.usage.rate_limited + detail.usage.refused : detail[field]])));
      expect(page.text).toBe(JSON.stringify({ data: keys, has_more: true }));
      return page.body.data as Array<{ id: string; name: string; request_count: number }>;
    };
    const created = (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'listed "as" é', permissions: ['keys:read'], allowed_ips: ['10.0.0.0/8', '127.0.0.1'] }).expect(201)).body;
    names.push('renamed-listed');
    expect((await expectPageAsItsKeys())[0]).toMatchObject({ id: created.id, request_count: 0 });
    await request(t.http).patch(`/v1/api-keys/${created.id}`).set(bearer(admin)).send({ name: 'renamed-listed', expires_at: '2099-01-01T00:00:00.000Z' }).expect(200);
    await request(t.http).get('/v1/whoami').set(bearer(created.key)).expect(200);
    await flushUsage(t);
    expect((await expectPageAsItsKeys())[0]).toMatchObject({ id: created.id, name: 'renamed-listed', request_count: 1 });
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=abc', 'limit'],
    ['?starting_after=not-a-uuid', 'starting_after'],
    ['?colour=blue', 'colour'],
  ])('refuses %s with 400 naming the parameter', async (query, field) => {
    const res = await request(t.http).get(`/v1/api-keys${query}`).set(bearer(admin)).expect(400);
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(res.body.error.message).toContain(field);
  });

  it('answers 404 naming starting_after when it is a well-formed id of no key in the account', async () => {
    const res = await request(t.http).get('/v1/api-keys?starting_after=550e8400-e29b-41d4-a716-446655440000').set(bearer(admin)).expect(404);
    expect(res.body.error).toEqual({ type: 'not_found_error', message: 'starting_after: no such API key in this account.' });
  });

  describe('served ahead of the framework, it answers as the routes Nest serves do', () => {
    // GET /v1/api-keys/{id}/events goes through express, the guard, the body interceptor and the validation pipe.
    const nestRoute = () => `/v1/api-keys/${firstId}/events`;
    let firstId: string;
    beforeAll(async () => {
      firstId = (await request(t.http).get('/v1/api-keys?limit=100').set(bearer(admin)).expect(200)).body.data.at(-1).id;
    });
    const answer = (res: request.Response) => ({
      status: res.status,
      body: res.body,
      headers: Object.fromEntries(
        ['content-type', 'www-authenticate', 'retry-after', 'ratelimit-limit', 'ratelimit-reset'].map((name) => [name, res.headers[name]]),
      ),
    });
    const both = async (send: (path: string) => request.Test) => [answer(await send('/v1/api-keys')), answer(await send(nestRoute()))];
    /**
     * The same answer, but for RateLimit-Reset, which only has to agree within a second: the two requests are
     * sent one after the other, and the first spends a unit of the key's limit and some time before the second.
     */
    const expectAlike = (edge: ReturnType<typeof answer>, nest: ReturnType<typeof answer>) => {
      const reset = (a: ReturnType<typeof answer>) => a.headers['ratelimit-reset'];
      expect({ ...edge, headers: { ...edge.headers, 'ratelimit-reset': undefined } }).toEqual({ ...nest, headers: { ...nest.headers, 'ratelimit-reset': undefined } });
      expect(reset(edge) === undefined).toBe(reset(nest) === undefined);
      if (reset(edge) !== undefined) expect(Math.abs(Number(reset(edge)) - Number(reset(nest)))).toBeLessThanOrEqual(1);
    };

    it.each([
      ['text that is not JSON', 'text/plain', 'hello'],
      ['JSON that does not parse', 'application/json', '{"a":'],
      ['JSON in another charset', 'application/json; charset=latin1', '{}'],
    ])('refuses a body of %s alike', async (_what, type, body) => {
      const [edge, nest] = await both((path) => request(t.http).get(path).set(bearer(admin)).set('Content-Type', type).send(body));
      expect(edge.status).toBeGreaterThanOrEqual(400);
      expectAlike(edge, nest);
    });

    it('takes a JSON body it does not need, as the other GET routes do', async () => {
      const [edge, nest] = await both((path) => request(t.http).get(path).set(bearer(admin)).send({ ignored: true }));
      expect([edge.status, nest.status]).toEqual([200, 200]);
    });

    it('refuses an out-of-range limit and an unknown parameter with the same messages', async () => {
      const [edge, nest] = await both((path) => request(t.http).get(`${path}?limit=0&colour=blue`).set(bearer(admin)));
      expectAlike(edge, { ...nest, body: { error: { type: 'invalid_request_error', message: 'limit must be an integer between 1 and 100; colour is not a known field' } } });
    });

    // supertest drops a fragment before sending, as a browser would: the target goes as it stands.
    it.each(['?limit=5#', '?limit=5#frag?limit=abc', '#frag'])('drops a fragment, as express does: %s', async (rest) => {
      const edge = await rawRequest(t.http, 'GET', `/v1/api-keys${rest}`, bearer(admin));
      const nest = await rawRequest(t.http, 'GET', `${nestRoute()}${rest}`, bearer(admin));
      expect([edge.status, nest.status]).toEqual([200, 200]);
      expect(edge.body.data).toHaveLength(rest.startsWith('?') ? 5 : 20);
      expect(nest.body.data).toHaveLength(rest.startsWith('?') ? Math.min(5, nest.body.data.length) : nest.body.data.length);
    });

    it('refuses a missing, a wrong and an over-limit key with the same status, body and headers', async () => {
      for (const authorization of [undefined, 'Basic abc', `Bearer ${admin}x`]) {
        const [edge, nest] = await both((path) => {
          const call = request(t.http).get(path);
          return authorization === undefined ? call : call.set('Authorization', authorization);
        });
        expect(edge.status).toBe(401);
        expectAlike(edge, nest);
      }
      const limited = (await t.bootstrapKey('acme', 'one a minute', { requests: 1, perSeconds: 60 })).key;
      await request(t.http).get('/v1/api-keys').set(bearer(limited)).expect(200);
      const [edge, nest] = await both((path) => request(t.http).get(path).set(bearer(limited)));
      expect(edge.status).toBe(429);
      expect(edge.headers['retry-after']).toBeDefined();
      expectAlike(edge, nest);
    });
  });
});
