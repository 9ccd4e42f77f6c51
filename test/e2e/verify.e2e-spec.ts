import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../src/usage/domain/key-used.js';
import { bearer } from '../support/auth.js';
import { rawRequest } from '../support/raw-request.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

describe('POST /v1/keys/verify', () => {
  let t: TestApp;
  let admin: { key: string; keyId: string };

  beforeAll(async () => {
    t = await startTestApp({ env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 1000 } });
    admin = await t.bootstrapKey('acme', 'admin');
  });
  afterAll(() => t.destroy());

  const verify = (body: object) => request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send(body);

  it('answers a valid key with its id, account, name and rate limit state, and records the context', async () => {
    const created = await request(t.http)
      .post('/v1/api-keys')
      .set(bearer(admin.key))
      .send({ name: 'gateway user', rate_limit: { requests: 10, per_seconds: 60 } })
      .expect(201);
    const context = { ip: '203.0.113.7', method: 'POST', path: '/v1/parses', user_agent: 'sdk/1.2' };
    const res = await verify({ key: created.body.key, context }).expect(200);
    expect(res.body).toEqual({
      valid: true,
      key_id: created.body.id,
      account_id: 'acme',
      name: 'gateway user',
      permissions: ['*'],
      expires_at: null,
      rate_limit: { limit: 10, remaining: 9, reset: 6 },
    });
    await flushUsage(t);
    const uses = await t.app.get<EventStore>(EVENT_STORE).readStream(keyUsageStreamId(created.body.id));
    expect(uses.map((u) => u.data)).toEqual([
      expect.objectContaining({ ip: '203.0.113.7', method: 'POST', path: '/v1/parses', userAgent: 'sdk/1.2', outcome: 'accepted' }),
    ]);
    expect(JSON.stringify(uses)).not.toContain(created.body.key.slice(12));
  });

  it('answers MALFORMED, NOT_FOUND and REVOKED', async () => {
    expect((await verify({ key: 'sk_nope' }).expect(200)).body).toEqual({ valid: false, code: 'MALFORMED' });
    expect((await verify({ key: generateApiKey() }).expect(200)).body).toEqual({ valid: false, code: 'NOT_FOUND' });
    const doomed = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({}).expect(201);
    await request(t.http).delete(`/v1/api-keys/${doomed.body.id}`).set(bearer(admin.key)).expect(200);
    expect((await verify({ key: doomed.body.key }).expect(200)).body).toEqual({ valid: false, code: 'REVOKED' });
  });

  it('answers RATE_LIMITED past the key’s limit and records that outcome', async () => {
    const created = await request(t.http)
      .post('/v1/api-keys')
      .set(bearer(admin.key))
      .send({ rate_limit: { requests: 2, per_seconds: 60 } })
      .expect(201);
    await verify({ key: created.body.key }).expect(200);
    const last = await verify({ key: created.body.key }).expect(200);
    expect(last.body.rate_limit).toEqual({ limit: 2, remaining: 0, reset: 60 });
    expect((await verify({ key: created.body.key }).expect(200)).body).toEqual({
      valid: false,
      code: 'RATE_LIMITED',
      retry_after: 30,
      rate_limit: { limit: 2, remaining: 0, reset: 60 },
    });
    await flushUsage(t);
    const detail = await request(t.http).get(`/v1/api-keys/${created.body.id}`).set(bearer(admin.key)).expect(200);
    expect(detail.body.usage).toMatchObject({ accepted: 2, rate_limited: 1 });
  });

  it('is routed as express would route it: any query string, any case, one trailing slash, a fragment dropped', async () => {
    for (const path of ['/v1/keys/verify?', '/V1/Keys/Verify', '/v1/keys/verify/']) {
      const res = await request(t.http).post(path).set(bearer(VERIFY_TOKEN)).send({ key: 'sk_nope' });
      expect([path, res.status, res.body]).toEqual([path, 200, { valid: false, code: 'MALFORMED' }]);
    }
    // A query string does not keep a request from the route, which refuses its parameters as every /v1 route does (it declares none).
    const refused = { error: { type: 'invalid_request_error', message: 'trace is not a known field' } };
    const traced = await request(t.http).post('/V1/keys/verify/?trace=1').set(bearer(VERIFY_TOKEN)).send({ key: 'sk_nope' });
    expect([traced.status, traced.body]).toEqual([400, refused]);
    // A fragment is dropped as express drops it (supertest would drop it before sending).
    for (const [path, answer] of [
      ['/v1/keys/verify#frag', [200, { valid: false, code: 'MALFORMED' }]],
      ['/v1/keys/verify?trace=1#x?y', [400, refused]],
      ['/v1/keys/verify/#', [200, { valid: false, code: 'MALFORMED' }]],
    ] as const) {
      const res = await rawRequest(t.http, 'POST', path, { ...bearer(VERIFY_TOKEN), 'Content-Type': 'application/json' }, Buffer.from('{"key":"sk_nope"}'));
      expect([path, res.status, res.body]).toEqual([path, ...answer]);
    }
    const other = await request(t.http).get('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).expect(405);
    expect(other.headers.allow).toBe('POST');
    expect(other.body).toEqual({ error: { type: 'invalid_request_error', message: 'Method GET is not allowed on this path. Allowed: POST.' } });
  });

  it('keeps the caller’s request id, answers with it and records it in the use', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({}).expect(201);
    const res = await verify({ key: created.body.key }).set('X-Request-Id', 'gateway-trace-0042').expect(200);
    expect(res.headers['x-request-id']).toBe('gateway-trace-0042');
    const made = await verify({ key: created.body.key }).set('X-Request-Id', 'bad id!').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    await flushUsage(t);
    const uses = await t.app.get<EventStore>(EVENT_STORE).readStream(keyUsageStreamId(created.body.id));
    expect(uses.map((u) => u.data.requestId)).toEqual(['gateway-trace-0042', made.headers['x-request-id']]);
  });

  it('validates the body', async () => {
    const res = await verify({ key: 42, context: { ip: 'not-an-ip' } }).expect(400);
    expect(res.body.error.message).toMatch(/key/);
    expect(res.body.error.message).toMatch(/context\.ip/);
  });

  it.each([
    ['text/plain', '{"key":"sk_x"}', 415, 'unsupported_media_type_error'],
    ['application/json; charset=latin1', '{"key":"sk_x"}', 415, 'unsupported_media_type_error'],
    ['application/json', '{"key":', 400, 'invalid_request_error'],
    ['application/json', '', 400, 'invalid_request_error'],
    ['application/json', JSON.stringify({ key: 'x'.repeat(17 * 1024) }), 413, 'payload_too_large_error'],
  ])('refuses a %s body it cannot take (%#) with the usual error shape', async (type, body, status, errorType) => {
    const res = await request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).set('Content-Type', type).send(body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { type: errorType, message: expect.any(String) } });
    expect(res.headers['x-request-id']).toMatch(/^req_/);
  });

  it('reads a body sent in chunks without a declared length', async () => {
    const key = generateApiKey();
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = t.http.address() as AddressInfo;
      const req = httpRequest(`http://127.0.0.1:${port}/v1/keys/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      const body = JSON.stringify({ key });
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 20);
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });
});
