import request from 'supertest';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

/** Every /v1 answer is one caller's: never stored by a cache, never sniffed as anything but what it says. */
describe('The headers of every /v1 answer', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { VERIFY_TOKEN } });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const expectApiHeaders = (what: string, res: request.Response) =>
    expect([what, res.headers['cache-control'], res.headers['x-content-type-options']]).toEqual([what, 'no-store', 'nosniff']);

  it('are on the answer carrying a new key, and on every route, served ahead of the framework or by Nest', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'cached?' }).expect(201);
    expect(created.body.key).toMatch(/^sk_/);
    expectApiHeaders('create', created);
    const id = created.body.id as string;
    expectApiHeaders('list (edge route)', await request(t.http).get('/v1/api-keys').set(bearer(admin)).expect(200));
    expectApiHeaders('get', await request(t.http).get(`/v1/api-keys/${id}`).set(bearer(admin)).expect(200));
    expectApiHeaders('history', await request(t.http).get(`/v1/api-keys/${id}/events`).set(bearer(admin)).expect(200));
    expectApiHeaders('alerts', await request(t.http).get('/v1/alerts').set(bearer(admin)).expect(200));
    const rolled = await request(t.http).post(`/v1/api-keys/${id}/roll`).set(bearer(admin)).send({ grace_seconds: 60 }).expect(201);
    expectApiHeaders('roll', rolled);
    const verified = await request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key: created.body.key }).expect(200);
    expectApiHeaders('verify (edge route)', verified);
  });

  it('are on the errors: 401, 404, 405, 400, in any case of the path and in absolute form', async () => {
    expectApiHeaders('401', await request(t.http).get('/v1/api-keys').expect(401));
    expectApiHeaders('404', await request(t.http).get('/v1/nothing-here').set(bearer(admin)).expect(404));
    expectApiHeaders('405', await request(t.http).put('/V1/Api-Keys').set(bearer(admin)).expect(405));
    expectApiHeaders('400', await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 7 }).expect(400));
    expectApiHeaders('verify 401', await request(t.http).post('/v1/keys/verify').send({ key: 'sk_x' }).expect(401));
  });

  it('leave ETag and If-Match as they were', async () => {
    const { id } = (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'versioned' }).expect(201)).body;
    const read = await request(t.http).get(`/v1/api-keys/${id}`).set(bearer(admin)).expect(200);
    expect(read.headers.etag).toBe('"0"');
    const changed = await request(t.http).patch(`/v1/api-keys/${id}`).set(bearer(admin)).set('If-Match', read.headers.etag).send({ name: 'v2' }).expect(200);
    expect(changed.headers.etag).toBe('"1"');
    expectApiHeaders('changed', changed);
    const stale = await request(t.http).patch(`/v1/api-keys/${id}`).set(bearer(admin)).set('If-Match', '"0"').send({ name: 'v3' }).expect(412);
    expect(stale.headers.etag).toBe('"1"');
    expectApiHeaders('412', stale);
  });

  it('are not sent outside /v1 (the dashboard page is revalidated, not unstorable)', async () => {
    const page = await request(t.http).get('/dashboard');
    expect(page.headers['cache-control']).not.toBe('no-store');
    expect((await request(t.http).get('/v1x')).headers['cache-control']).toBeUndefined();
  });

  it('leave the browser-page headers to the dashboard and the docs (no Permissions-Policy, X-Frame-Options or COOP on /v1)', async () => {
    const verified = await request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key: 'sk_x' });
    const listed = await request(t.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
    for (const res of [verified, listed]) {
      expect([res.headers['permissions-policy'], res.headers['x-frame-options'], res.headers['cross-origin-opener-policy']]).toEqual([undefined, undefined, undefined]);
    }
  });

  it('outside /v1, leave no answer to be sniffed: health, readiness, metrics, an unknown path’s 404 that repeats it', async () => {
    const answers: [string, request.Response][] = [
      ['/health', await request(t.http).get('/health').expect(200)],
      ['/health/ready', await request(t.http).get('/health/ready')],
      ['/metrics', await request(t.http).get('/metrics')],
      ['/<b>x</b> (404)', await request(t.http).get('/<b>x</b>').expect(404)],
      ['POST /health (405)', await request(t.http).post('/health').expect(405)],
    ];
    for (const [what, res] of answers) expect([what, res.headers['x-content-type-options']]).toEqual([what, 'nosniff']);
  });

  // Readiness showed its checks' error texts (hosts, ports, files) to a METRICS_TOKEN holder with no Cache-Control:
  // a shared cache between the prober and the service could keep them. Only /metrics' 200 had no-store.
  it('are never stored for the probes: liveness, readiness and metrics, their errors included', async () => {
    const answers: [string, request.Response][] = [
      ['/health', await request(t.http).get('/health').expect(200)],
      ['/health/ready', await request(t.http).get('/health/ready').expect(200)],
      ['/Health/Ready/', await request(t.http).get('/Health/Ready/').expect(200)],
      ['/metrics', await request(t.http).get('/metrics').expect(200)],
      ['POST /health/ready (405)', await request(t.http).post('/health/ready').expect(405)],
    ];
    for (const [what, res] of answers) expect([what, res.headers['cache-control']]).toEqual([what, 'no-store']);
  });

  it('let no other origin call the API from a browser (api.md, CORS): a preflight is 405, no answer allows an origin', async () => {
    const origin = 'https://elsewhere.example';
    const allowed = (res: request.Response) => Object.keys(res.headers).filter((name) => name.startsWith('access-control-'));
    for (const path of ['/v1/api-keys', '/v1/whoami', '/v1/keys/verify', '/dashboard']) {
      const preflight = await request(t.http)
        .options(path)
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization, content-type');
      expect([path, preflight.status, allowed(preflight)]).toEqual([path, 405, []]);
    }
    expect(allowed(await request(t.http).get('/v1/api-keys').set('Origin', origin).set(bearer(admin)).expect(200))).toEqual([]);
    // A cross-site form post carries no Authorization header: refused before its body is read.
    await request(t.http).post('/v1/api-keys').set('Origin', origin).type('form').send('name=csrf').expect(401);
  });
});
