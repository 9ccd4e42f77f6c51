import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';
const KEY_ID = '550e8400-e29b-41d4-a716-446655440000';

const notAllowed = (method: string, allowed: string) => ({
  error: { type: 'invalid_request_error', message: `Method ${method} is not allowed on this path. Allowed: ${allowed}.` },
});

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options' | 'trace' | 'head';

describe('Methods a path does not serve', () => {
  let t: TestApp;
  let admin: string;
  // Every documented route served: POST /v1/secret-scanning/reports only with scanner keys configured (else 404).
  const scannerKeys = makeTempDir('http-methods-scanner-keys');

  beforeAll(async () => {
    const keysFile = `${scannerKeys.path}/public-keys.json`;
    writeFileSync(keysFile, JSON.stringify({ public_keys: [] }));
    t = await startTestApp({ env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 1000, SECRET_SCANNING_PUBLIC_KEYS: keysFile } });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(async () => {
    await t.destroy();
    scannerKeys.remove();
  });

  const call = (method: Method, path: string) => request(t.http)[method](path);

  it.each([
    ['/v1/api-keys', 'GET, HEAD, POST', ['trace', 'put', 'patch', 'options', 'delete']],
    [`/v1/api-keys/${KEY_ID}`, 'DELETE, GET, HEAD, PATCH', ['trace', 'put', 'options', 'post']],
    [`/v1/api-keys/${KEY_ID}/roll`, 'POST', ['get', 'put', 'patch', 'delete']],
    [`/v1/api-keys/${KEY_ID}/disable`, 'POST', ['get', 'delete']],
    [`/v1/api-keys/${KEY_ID}/events`, 'GET, HEAD', ['trace', 'put', 'patch', 'options', 'post', 'delete']],
    ['/v1/whoami', 'GET, HEAD', ['trace', 'put', 'patch', 'options', 'post', 'delete']],
    ['/v1/alerts', 'GET, HEAD', ['trace', 'put', 'patch', 'options', 'post', 'delete']],
    ['/v1/keys/verify', 'POST', ['get', 'trace', 'put', 'patch', 'options', 'delete']],
    ['/health', 'GET, HEAD', ['post', 'put', 'trace', 'options']],
    ['/health/ready', 'GET, HEAD', ['post', 'delete', 'options']],
    ['/docs-json', 'GET, HEAD', ['post', 'put', 'trace']],
    ['/dashboard', 'GET, HEAD', ['post', 'put', 'options']],
  ] as [string, string, Method[]][])('%s: 405 with Allow: %s', async (path, allowed, methods) => {
    for (const method of methods) {
      // With a key or without: which methods a path serves is no secret (the OpenAPI document says it).
      for (const credential of [bearer(admin), {}]) {
        const res = await call(method, path).set(credential).expect(405);
        expect([method, res.headers.allow]).toEqual([method, allowed]);
        expect(res.body).toEqual(notAllowed(method.toUpperCase(), allowed));
        expect(res.headers['x-request-id']).toMatch(/^req_/);
      }
    }
  });

  it('matches paths as the router does: any case, a trailing slash, a query string', async () => {
    for (const path of ['/V1/API-KEYS', '/v1/api-keys/', '/v1/api-keys?limit=5', '/v1/Keys/Verify/']) {
      const res = await call('put', path).expect(405);
      expect([path, res.status]).toEqual([path, 405]);
    }
  });

  it('serves a request target in absolute form as express does, on the routes served ahead of it too', async () => {
    // supertest sends origin form only: a raw request on the listening server sends `GET http://host:port/path`.
    if (!t.http.listening) await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', resolve));
    const { port } = t.http.address() as AddressInfo;
    const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path: `http://127.0.0.1:${port}${path}`, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const auth = { Authorization: `Bearer ${admin}` };
    const listed = await send('GET', '/v1/api-keys?limit=1', auth);
    expect([listed.status, JSON.parse(listed.body).data.length]).toEqual([200, 1]);
    expect(JSON.parse((await send('GET', '/v1/api-keys?limit=0', auth)).body).error.message).toBe('limit must be an integer between 1 and 100');
    const verified = await send('POST', '/v1/keys/verify', { Authorization: `Bearer ${VERIFY_TOKEN}`, 'Content-Type': 'application/json' }, JSON.stringify({ key: admin }));
    expect([verified.status, JSON.parse(verified.body).valid]).toEqual([200, true]);
    expect((await send('GET', '/health', {})).status).toBe(200);
  });

  it('answers before reading the body, whatever it is', async () => {
    const res = await request(t.http)
      .put('/v1/api-keys')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('{"not": gzip')
      .expect(405);
    expect(res.body).toEqual(notAllowed('PUT', 'GET, HEAD, POST'));
  });

  it('keeps 404 for unknown paths, whatever the method', async () => {
    for (const method of ['get', 'put', 'trace', 'options', 'delete'] as Method[]) {
      const res = await call(method, '/v1/nothing-here').set(bearer(admin)).expect(404);
      expect(res.body.error.type).toBe('not_found_error');
      expect(res.headers.allow).toBeUndefined();
    }
    await call('put', '/v1/api-keys/x/y/z').expect(404);
  });

  it('serves HEAD wherever GET is served, as express does, after authentication', async () => {
    const head = await call('head', '/v1/api-keys').set(bearer(admin)).expect(200);
    expect(head.text).toBeUndefined();
    expect(head.headers['ratelimit-limit']).toBeDefined();
    await call('head', '/v1/api-keys').expect(401);
    await call('head', '/health').expect(200);
  });

  it('covers every route of the OpenAPI document: each documented method is served, any other gets 405 listing them', async () => {
    const document = (await request(t.http).get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths).length).toBeGreaterThanOrEqual(6);
    for (const [template, operations] of Object.entries(document.paths)) {
      const path = template.replace(/\{[^}]+\}/g, KEY_ID);
      const documented = Object.keys(operations).map((method) => method.toUpperCase());
      const expected = [...new Set([...documented, ...(documented.includes('GET') ? ['HEAD'] : [])])].sort().join(', ');
      const res = await call('trace', path).expect(405);
      expect([template, res.headers.allow]).toEqual([template, expected]);
      for (const method of documented) {
        const served = await call(method.toLowerCase() as Method, path).set(bearer(admin));
        expect([template, method, served.status]).not.toEqual([template, method, 405]);
      }
    }
  });
});

describe('The verify path without VERIFY_TOKEN', () => {
  it('is unknown for every method (404), as the route does not exist', async () => {
    const t = await startTestApp();
    try {
      for (const method of ['get', 'post', 'put'] as Method[]) {
        const res = await request(t.http)[method]('/v1/keys/verify').expect(404);
        expect(res.headers.allow).toBeUndefined();
      }
    } finally {
      await t.destroy();
    }
  });
});
