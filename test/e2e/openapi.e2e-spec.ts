import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DOCS_CONTENT_SECURITY_POLICY } from '../../src/app/docs-security-headers.js';
import { ServiceStopping } from '../../src/app/health/service-stopping.js';
import { ANOMALY_DETECTED, anomalyStreamId } from '../../src/anomalies/domain/anomaly.js';
import { API_KEY_EVENT_TYPES } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { PAGE_PERMISSIONS_POLICY } from '../../src/shared/http/page-security-headers.js';
import { KEY_USED } from '../../src/usage/domain/key-used.js';
import { USAGE_ARCHIVED } from '../../src/usage/domain/usage-archived.js';
import { bearer } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.destroy());

  it('serves the document with the bearer scheme and every status of each route', async () => {
    const res = await request(t.http).get('/docs-json').expect(200);
    const doc = res.body;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'sk_ API key' });
    expect(doc.components.securitySchemes.service_credential).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const scheme of Object.values(doc.components.securitySchemes) as { bearerFormat: string }[]) {
      expect(scheme.bearerFormat).not.toMatch(/JWT/i);
    }
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    // 403 on every authenticated route: a key without the permission the route needs, or used from an address it may not be.
    // 409: the account holds its limit of live keys (MAX_KEYS_PER_ACCOUNT), or a repeated Idempotency-Key (another request, a key ended since, the first still in progress).
    expect(statuses('/v1/api-keys', 'post')).toEqual(['201', '400', '401', '403', '409', '413', '415', '429', '500', '503']);
    expect(statuses('/v1/api-keys', 'get')).toEqual(['200', '400', '401', '403', '404', '413', '415', '429', '500', '503']);
    expect(statuses('/v1/alerts', 'get')).toEqual(['200', '400', '401', '403', '404', '413', '415', '429', '500', '503']);
    expect(statuses('/v1/events', 'get')).toEqual(['200', '400', '401', '403', '404', '413', '415', '429', '500', '503']);
    expect(statuses('/v1/api-keys/{api_key_id}', 'get')).toEqual(['200', '400', '401', '403', '404', '413', '415', '429', '500', '503']);
    // 400: a query parameter (whoami declares none: docs/api.md, Validation).
    expect(statuses('/v1/whoami', 'get')).toEqual(['200', '400', '401', '403', '413', '415', '429', '500', '503']);
    expect(statuses('/v1/api-keys/{api_key_id}', 'delete')).toEqual(['200', '400', '401', '403', '404', '409', '412', '413', '415', '429', '500', '503']);
    expect(statuses('/v1/api-keys/{api_key_id}', 'patch')).toEqual(['200', '400', '401', '403', '404', '409', '412', '413', '415', '429', '500', '503']);
    expect(statuses('/v1/api-keys/{api_key_id}/roll', 'post')).toEqual(['201', '400', '401', '403', '404', '409', '412', '413', '415', '429', '500', '503']);
    expect(statuses('/v1/api-keys/{api_key_id}/disable', 'post')).toEqual(['200', '400', '401', '403', '404', '409', '412', '413', '415', '429', '500', '503']);
    expect(statuses('/v1/api-keys/{api_key_id}/enable', 'post')).toEqual(['200', '400', '401', '403', '404', '409', '412', '413', '415', '429', '500', '503']);
    // 503 while the service starts (operations.md, "A store down at start"), as on every /v1 route.
    expect(statuses('/v1/keys/verify', 'post')).toEqual(['200', '400', '401', '404', '413', '415', '429', '500', '503']);
    // 405 answers a method a path does not serve, which has no operation in the document to list it under.
    const everyStatus = Object.values(doc.paths as Record<string, Record<string, { responses?: object }>>).flatMap((item) =>
      Object.values(item).flatMap((operation) => Object.keys(operation.responses ?? {})),
    );
    expect(everyStatus).not.toContain('405');
    const authenticated = [
      ['/v1/api-keys', 'post'],
      ['/v1/api-keys', 'get'],
      ['/v1/whoami', 'get'],
      ['/v1/api-keys/{api_key_id}', 'get'],
      ['/v1/api-keys/{api_key_id}', 'delete'],
      ['/v1/api-keys/{api_key_id}', 'patch'],
      ['/v1/api-keys/{api_key_id}/roll', 'post'],
      ['/v1/api-keys/{api_key_id}/disable', 'post'],
      ['/v1/api-keys/{api_key_id}/enable', 'post'],
      ['/v1/api-keys/{api_key_id}/events', 'get'],
      ['/v1/alerts', 'get'],
      ['/v1/events', 'get'],
    ];
    for (const [path, method] of authenticated) {
      expect(doc.paths[path][method].security).toEqual([{ bearer: [] }]);
    }
    expect(doc.paths['/v1/keys/verify'].post.security).toEqual([{ service_credential: [] }]);
    expect(doc.components.schemas.CreateApiKeyRequest.properties.name).toMatchObject({ minLength: 1, maxLength: 100 });
    expect(doc.components.schemas.ApiKeyResponse.properties).not.toHaveProperty('key');
    expect(doc.components.schemas.CreatedApiKeyResponse.properties).toHaveProperty('key');
  });

  it('names every operation for a generated client, as the two written by hand are named: no server class in any', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    expect(ids.sort()).toEqual([
      'createApiKey',
      'disableApiKey',
      'enableApiKey',
      'getApiKey',
      'getApiKeyHistory',
      'getLiveness',
      'getOwnApiKey',
      'getReadiness',
      'listAccountEvents',
      'listAlerts',
      'listApiKeys',
      'reportLeakedKeys',
      'revokeApiKey',
      'rollApiKey',
      'updateApiKey',
      'verifyApiKey',
    ]);
  });

  it('declares the RateLimit fields, Retry-After (409, 429, 503) and the current ETag where answers carry them', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    let declared = 0;
    for (const item of Object.values(doc.paths) as Record<string, { security?: object[]; responses: Record<string, { headers?: object }> }>[]) {
      for (const operation of Object.values(item)) {
        if (!operation.security?.some((requirement) => 'bearer' in requirement)) continue;
        for (const [status, response] of Object.entries(operation.responses)) {
          const names = Object.keys(response.headers ?? {});
          // A 401 comes before the key is known: no limit to tell.
          if (status === '401') expect(names).not.toContain('RateLimit-Limit');
          else expect(names).toEqual(expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']));
          if (status === '409' || status === '429' || status === '503') expect(names).toContain('Retry-After');
          if (status === '412') expect(names).toContain('ETag');
          declared++;
        }
      }
    }
    expect(declared).toBeGreaterThan(100);
    expect(doc.paths['/v1/keys/verify'].post.responses['200'].headers ?? {}).not.toHaveProperty('RateLimit-Limit');
    expect(doc.paths['/v1/keys/verify'].post.responses['503'].headers['Retry-After']).toMatchObject({ required: true });
    expect(doc.paths['/health/ready'].get.responses['503'].headers['Retry-After']).toMatchObject({ required: true });
  });

  it('declares the health routes open to anyone: no header they need (readiness takes METRICS_TOKEN, optionally, as a security scheme)', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    for (const path of ['/health', '/health/ready']) {
      const required = (doc.paths[path].get.parameters ?? []).filter((parameter: { required?: boolean }) => parameter.required);
      expect({ path, required }).toEqual({ path, required: [] });
    }
    // METRICS_TOKEN as an optional security scheme ({}: none at all): OpenAPI 3.0 ignores a header parameter named
    // Authorization, and so do Swagger UI and generated clients.
    expect(doc.paths['/health/ready'].get.parameters ?? []).toEqual([]);
    expect(doc.paths['/health/ready'].get.security).toEqual(expect.arrayContaining([{}, { metrics_token: [] }]));
    expect(doc.paths['/health/ready'].get.security).toHaveLength(2);
    expect(doc.components.securitySchemes.metrics_token).toMatchObject({ type: 'http', scheme: 'bearer', description: expect.stringContaining('METRICS_TOKEN') });
    expect(doc.paths['/health'].get.security).toBeUndefined();
    const byName = (item: Record<string, { parameters?: { in: string; name: string }[] }>) =>
      Object.values(item).flatMap((operation) => (operation.parameters ?? []).filter((parameter) => parameter.in === 'header' && /^(authorization|accept|content-type)$/i.test(parameter.name)));
    expect(Object.values(doc.paths as Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>).flatMap(byName)).toEqual([]);
  });

  // A missing permission spends the key's limit, a refused address does not (design-notes.md), and the failed-auth
  // guard refuses before any key is known: the document says on which 403 and 429 the fields come, as answered.
  it('says which 403 and 429 answers carry the RateLimit fields, as the answers do', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const rateLimitLimit = (status: string) => doc.paths['/v1/api-keys'].post.responses[status].headers['RateLimit-Limit'];
    expect(rateLimitLimit('403')).toMatchObject({ required: false, description: expect.stringMatching(/lacks a permission.*Absent when the key may not be used from this address/s) });
    expect(rateLimitLimit('429')).toMatchObject({ required: false, description: expect.stringMatching(/own limit.*Absent on the 429 for too many failed authentications/s) });

    const limited = await startTestApp({ env: { AUTH_FAILURE_LIMIT: 2 } });
    try {
      const admin = (await limited.bootstrapKey('acme')).key;
      const create = (key: string) => request(limited.http).post('/v1/api-keys').set(bearer(key)).send({});
      const rateLimitFields = (res: request.Response) => ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((name) => res.headers[name]);
      const reader = (await create(admin).send({ permissions: ['keys:read'], rate_limit: { requests: 1, per_seconds: 3600 } }).expect(201)).body.key;
      const elsewhere = (await create(admin).send({ allowed_ips: ['203.0.113.0/24'] }).expect(201)).body.key;
      expect(rateLimitFields(await create(reader).expect(403))).toEqual(['1', '0', expect.any(String)]);
      expect(rateLimitFields(await create(reader).expect(429))).toEqual(['1', '0', expect.any(String)]);
      const address = await create(elsewhere).expect(403);
      expect(address.body.error.message).toBe('This key may not be used from this address.');
      expect(rateLimitFields(address)).toEqual([undefined, undefined, undefined]);
      // The address refusal counted as a failure (AUTH_FAILURE_LIMIT 2): one more and the guard refuses, valid key or not.
      await create('sk_wrong').expect(401);
      const guard = await create(admin).expect(429);
      expect(guard.body.error.message).toMatch(/^Too many failed authentications/);
      expect(rateLimitFields(guard)).toEqual([undefined, undefined, undefined]);
      expect(guard.headers['retry-after']).toMatch(/^[0-9]+$/);
    } finally {
      await limited.destroy();
    }
  });

  it('declares the Location of a new key on the 201 of a creation and of a roll, as answered', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    for (const path of ['/v1/api-keys', '/v1/api-keys/{api_key_id}/roll']) {
      expect(doc.paths[path].post.responses['201'].headers.Location).toMatchObject({ required: true, schema: { type: 'string' } });
    }
    const admin = (await t.bootstrapKey('acme')).key;
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({}).expect(201);
    expect(created.headers.location).toBe(`/v1/api-keys/${created.body.id}`);
    const rolled = await request(t.http).post(`/v1/api-keys/${created.body.id}/roll`).set(bearer(admin)).send({ grace_seconds: 60 }).expect(201);
    expect(rolled.headers.location).toBe(`/v1/api-keys/${rolled.body.id}`);
    expect(rolled.body.id).not.toBe(created.body.id);
  });

  it('declares Idempotency-Key on a creation and a roll only, with Idempotent-Replayed on their 201 and Retry-After on their 409, as answered', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const takesIt: string[] = [];
    for (const [path, item] of Object.entries(doc.paths) as [string, Record<string, { parameters?: { name: string; in: string }[] }>][]) {
      for (const [method, operation] of Object.entries(item)) {
        if (operation.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key')) takesIt.push(`${method} ${path}`);
      }
    }
    expect(takesIt.sort()).toEqual(['post /v1/api-keys', 'post /v1/api-keys/{api_key_id}/roll']);
    for (const path of ['/v1/api-keys', '/v1/api-keys/{api_key_id}/roll']) {
      const operation = doc.paths[path].post;
      const header = operation.parameters.find((parameter: { name: string }) => parameter.name === 'Idempotency-Key');
      expect(header).toMatchObject({ in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255, pattern: expect.any(String) } });
      expect(new RegExp(header.schema.pattern).test('x'.repeat(255))).toBe(true);
      expect(new RegExp(header.schema.pattern).test('x'.repeat(256))).toBe(false);
      expect(operation.responses['201'].headers['Idempotent-Replayed']).toMatchObject({ required: false, schema: { type: 'string', enum: ['true'] } });
      expect(operation.responses['409'].headers['Retry-After']).toMatchObject({ schema: { type: 'integer' } });
      // One description listing every case, not two joined by a blank line (a route's 409 declared twice).
      expect(operation.responses['409'].description).not.toMatch(/\n/);
      expect(operation.responses['409'].description).toMatch(/MAX_KEYS_PER_ACCOUNT.*; or, with Idempotency-Key, the value was used with a different request/);
    }
    expect(doc.paths['/v1/api-keys/{api_key_id}/roll'].post.responses['409'].description).toMatch(/^The key is revoked, expired or already rolled; /);
    expect(doc.paths['/v1/api-keys'].post.responses['409'].description).toMatch(/^The account already holds its limit of live keys/);
    expect(doc.paths['/v1/api-keys/{api_key_id}'].delete.responses['409'].description).not.toMatch(/MAX_KEYS_PER_ACCOUNT|Idempotency-Key/);
    const admin = (await t.bootstrapKey('acme')).key;
    const first = await request(t.http).post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', 'openapi-1').send({}).expect(201);
    expect(first.headers).not.toHaveProperty('idempotent-replayed');
    const again = await request(t.http).post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', 'openapi-1').send({}).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('declares ParseSphere-Read-Models on every answer that carries it when the read models cannot give the usage', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const carrying = [
      ['/v1/whoami', 'get', '200'],
      ['/v1/api-keys', 'post', '201'],
      ['/v1/api-keys/{api_key_id}', 'patch', '200'],
      ['/v1/api-keys/{api_key_id}', 'delete', '200'],
      ['/v1/api-keys/{api_key_id}/disable', 'post', '200'],
      ['/v1/api-keys/{api_key_id}/enable', 'post', '200'],
      ['/v1/api-keys/{api_key_id}/roll', 'post', '201'],
    ];
    for (const [path, method, status] of carrying) {
      expect([path, method, doc.paths[path][method].responses[status].headers?.['ParseSphere-Read-Models']]).toEqual([
        path,
        method,
        expect.objectContaining({ required: false, schema: { type: 'string', enum: ['catching-up'] } }),
      ]);
    }
  });

  // Every answer carries X-Request-Id, and a 500 asks to quote it, but the document declared it on none: a generated
  // client's typed headers never showed it.
  it('declares X-Request-Id on every answer of every operation, as answered', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    expectDeclaredOnEveryAnswer(doc, 'X-Request-Id');
    const header = doc.paths['/v1/api-keys'].post.responses['201'].headers['X-Request-Id'];
    expect(header).toMatchObject({ required: true, schema: { type: 'string' } });
    const key = (await t.bootstrapKey('acme')).key;
    const answers = [
      await request(t.http).get('/health'),
      await request(t.http).get('/v1/whoami').set(bearer(key)),
      await request(t.http).get('/v1/api-keys').set(bearer('sk_unknown')),
      await request(t.http).post('/v1/api-keys').set(bearer(key)).set('X-Request-Id', 'trace-0001').send({}),
    ];
    const pattern = new RegExp(header.schema.pattern);
    expect(answers.map((res) => pattern.test(res.headers['x-request-id']))).toEqual([true, true, true, true]);
    expect(answers[3]!.headers['x-request-id']).toBe('trace-0001');
  });

  // Every answer of these operations sends Cache-Control: no-store (the one carrying a new key too), but until
  // 2026-12-07 the document declared it on none.
  it('declares Cache-Control: no-store on every answer of every operation, as answered', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    expectDeclaredOnEveryAnswer(doc, 'Cache-Control');
    const header = doc.paths['/v1/api-keys'].post.responses['201'].headers['Cache-Control'];
    expect(header).toMatchObject({ required: true, schema: { type: 'string', enum: ['no-store'] } });
    const key = (await t.bootstrapKey('acme')).key;
    const answers = [
      await request(t.http).get('/health'),
      await request(t.http).get('/health/ready'),
      await request(t.http).get('/v1/whoami').set(bearer(key)),
      await request(t.http).get('/v1/api-keys').set(bearer('sk_unknown')),
      await request(t.http).post('/v1/api-keys').set(bearer(key)).send({}),
      await request(t.http).post('/v1/keys/verify').send({ key: 'sk_x' }),
    ];
    expect(answers.map((res) => res.headers['cache-control'])).toEqual(answers.map(() => 'no-store'));
  });

  it('declares WWW-Authenticate on every 401, as answered', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    let unauthenticated = 0;
    for (const item of Object.values(doc.paths) as Record<string, { responses: Record<string, { headers?: Record<string, object> }> }>[]) {
      for (const operation of Object.values(item)) {
        const answer = operation.responses['401'];
        if (!answer) continue;
        unauthenticated++;
        expect(answer.headers?.['WWW-Authenticate']).toMatchObject({ required: true, schema: { type: 'string', example: 'Bearer realm="parsesphere"' } });
      }
    }
    expect(unauthenticated).toBe(14);
    // The listing is served ahead of express, the others through it (verify, without VERIFY_TOKEN here: its own suite).
    for (const call of [request(t.http).get('/v1/api-keys'), request(t.http).post('/v1/api-keys'), request(t.http).get('/v1/alerts'), request(t.http).get('/v1/events')]) {
      expect((await call.expect(401)).headers['www-authenticate']).toBe('Bearer realm="parsesphere"');
    }
  });

  // The liveness body had an example and no schema: openapi-python-client's get_liveness gave None, openapi-typescript unknown.
  it('declares the body of a live instance, as answered', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const schema = doc.paths['/health'].get.responses['200'].content['application/json'].schema;
    expect(schema).toMatchObject({ type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } });
    expect((await request(t.http).get('/health').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('declares the body of a ready instance, as answered', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const schema = doc.paths['/health/ready'].get.responses['200'].content['application/json'].schema;
    const ready = (await request(t.http).get('/health/ready').expect(200)).body;
    expect(Object.keys(ready).sort()).toEqual(Object.keys(schema.properties).sort());
    expect(schema.required.sort()).toEqual(Object.keys(ready).sort());
    expect(schema.properties.status.enum).toEqual(['ok', 'degraded']);
    expect(schema.properties.status.enum).toContain(ready.status);
    expect(schema.properties.details.properties.read_model.properties.status.enum).toEqual(['up', 'degraded']);
    for (const part of ['info', 'details']) {
      expect(Object.keys(ready[part]).sort()).toEqual([...schema.properties[part].required].sort());
      for (const [name, check] of Object.entries(ready[part]) as [string, { status: string }][]) {
        expect(schema.properties[part].properties[name].properties.status.enum).toContain(check.status);
      }
    }
    expect(ready.error).toEqual({});
    expect(schema.properties.error).toMatchObject({ type: 'object', maxProperties: 0 });
  });

  // The 503 was declared as the bare error body: a generated client typed neither status nor the details that say
  // which check is down (openapi-typescript: { error }, openapi-python-client: ErrorResponse).
  it('declares the body of an instance not ready, as answered', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const schema = doc.paths['/health/ready'].get.responses['503'].content['application/json'].schema;
    expect(schema.allOf[0]).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
    expect(schema.allOf[1]).toMatchObject({ required: ['status', 'info', 'details'], properties: { status: { enum: ['error'] } } });
    const stopping = await startTestApp();
    try {
      stopping.app.get(ServiceStopping).begin('SIGTERM');
      const body = (await request(stopping.http).get('/health/ready').expect(503)).body;
      expect(Object.keys(body).sort()).toEqual(['details', 'error', 'info', 'status']);
      expect(body).toMatchObject({ status: 'error', info: {}, details: { stopping: { status: 'down', signal: 'SIGTERM' } }, error: { type: 'service_unavailable_error' } });
    } finally {
      await stopping.destroy();
    }
  });

  it("names the readiness rate_limits' sharing modes as answered (in-process, shared, per-instance)", async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const rateLimits = doc.paths['/health/ready'].get.responses['200'].content['application/json'].schema.properties.details.properties.rate_limits;
    expect(rateLimits.properties.sharing).toEqual({ type: 'string', enum: ['in-process', 'shared', 'per-instance'] });
    expect(rateLimits.required).toEqual(['status', 'sharing']);
    for (const mode of ['in-process', 'shared', 'per-instance']) expect(rateLimits.description).toContain(mode);
    expect(rateLimits.description).not.toMatch(/\bredis\b/);
    const ready = (await request(t.http).get('/health/ready').expect(200)).body;
    expect(rateLimits.properties.sharing.enum).toContain(ready.details.rate_limits.sharing);
  });

  it('types every request field as the service reads it', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const schemas = doc.components.schemas;
    const parameter = (path: string, name: string) =>
      doc.paths[path].get.parameters.find((candidate: { name: string }) => candidate.name === name).schema;

    expect(schemas.CreateApiKeyRequest.properties.name).toMatchObject({ type: 'string', nullable: true, pattern: expect.any(String) });
    expect(schemas.CreateApiKeyRequest.properties.name.description).toMatch(/NFC/);
    expect(schemas.RateLimitRequest.properties.requests).toMatchObject({ type: 'integer', minimum: 1, maximum: 1_000_000 });
    expect(schemas.RateLimitRequest.properties.per_seconds).toMatchObject({ type: 'integer', minimum: 1, maximum: 86_400 });
    for (const path of ['/v1/api-keys', '/v1/api-keys/{api_key_id}/events', '/v1/alerts', '/v1/events']) {
      expect(parameter(path, 'limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    }
    expect(parameter('/v1/api-keys', 'limit')).toMatchObject({ default: 20 });
    expect(parameter('/v1/api-keys/{api_key_id}/events', 'limit')).toMatchObject({ default: 50 });
    expect(parameter('/v1/alerts', 'limit')).toMatchObject({ default: 20 });
    expect(parameter('/v1/events', 'limit')).toMatchObject({ default: 20 });
    for (const name of ['starting_after', 'key_id', 'actor_key_id']) expect(parameter('/v1/events', name)).toMatchObject({ type: 'string', format: 'uuid' });
    for (const name of ['created_gte', 'created_lt']) expect(parameter('/v1/events', name)).toMatchObject({ type: 'string', format: 'date-time' });
    expect(parameter('/v1/events', 'type')).toMatchObject({ type: 'string', enum: expect.arrayContaining(['KeyCreated', 'KeyRevoked']) });
    expect(parameter('/v1/events', 'type').enum).not.toContain('KeyUsed');
    expect(parameter('/v1/api-keys', 'starting_after')).toMatchObject({ type: 'string', format: 'uuid' });
    expect(parameter('/v1/alerts', 'starting_after')).toMatchObject({ type: 'string', pattern: '^[0-9a-f]{32}$' });
    expect(parameter('/v1/api-keys/{api_key_id}/events', 'cursor')).toMatchObject({ type: 'string', pattern: '^[0-9]{1,15}\\.[0-9]{1,15}(\\.[0-9]{1,15})?$' });
    expect(parameter('/v1/api-keys/{api_key_id}/events', 'direction')).toMatchObject({ type: 'string', enum: ['oldest_first', 'newest_first'], default: 'oldest_first' });
    expect(parameter('/v1/api-keys/{api_key_id}/events', 'order')).toMatchObject({ type: 'string', enum: ['occurred', 'log'], default: 'occurred' });
    expect(parameter('/v1/api-keys/{api_key_id}', 'as_of')).toMatchObject({ type: 'string', format: 'date-time' });

    // POST /v1/api-keys works without a body (the same as {}); verify needs one.
    expect(doc.paths['/v1/api-keys'].post.requestBody.required).toBe(false);
    expect(doc.paths['/v1/keys/verify'].post.requestBody.required).toBe(true);

    // Unknown properties are refused, and the document says so.
    for (const name of ['CreateApiKeyRequest', 'RateLimitRequest', 'VerifyApiKeyRequest', 'VerificationContext']) {
      expect(schemas[name].additionalProperties).toBe(false);
    }
    // anyOf: under a oneOf, a validator that leaves formats unchecked found every address valid under both, and refused it.
    expect(schemas.VerificationContext.properties.ip).not.toHaveProperty('oneOf');
    expect(schemas.VerificationContext.properties.ip.anyOf).toEqual([
      { type: 'string', format: 'ipv4' },
      { type: 'string', format: 'ipv6' },
    ]);
  });

  // openapi-python-client read `{nullable: true, type: object, allOf: [$ref]}` (Nest's form for a nullable model) as
  // never null: the generated client raised TypeError on every key not yet rolled (rotation: null), create included.
  // Without the `type`, OpenAPI 3.0.3 voids the `nullable` (Redocly's nullable-type-sibling): anyOf the model or null.
  it('declares a nullable model as anyOf the model or null, the form client generators read as nullable', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const misread: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const schema = node as { nullable?: boolean; allOf?: unknown; anyOf?: unknown; oneOf?: unknown; type?: unknown };
      if (schema.nullable === true && (schema.type === undefined || schema.allOf !== undefined || schema.anyOf !== undefined || schema.oneOf !== undefined)) misread.push(path);
      for (const [name, child] of Object.entries(node)) walk(child, `${path}/${name}`);
    };
    walk(doc, '#');
    expect(misread).toEqual([]);
    const rotation = (name: string) => doc.components.schemas[name].properties.rotation;
    const nullOnly = { type: 'object', nullable: true, enum: [null] };
    for (const name of ['ApiKeyResponse', 'CreatedApiKeyResponse', 'RolledApiKeyResponse', 'RevokedApiKeyResponse', 'ApiKeyListItemResponse']) {
      expect({ name, rotation: rotation(name) }).toEqual({ name, rotation: expect.objectContaining({ anyOf: [{ $ref: '#/components/schemas/KeyRotationResponse' }, nullOnly] }) });
    }
    expect(rotation('ApiKeyDetailResponse')).toEqual(expect.objectContaining({ anyOf: [{ $ref: '#/components/schemas/KeyRotationDetailResponse' }, nullOnly] }));
    expect(doc.components.schemas.ApiKeyDetailResponse.required).toContain('rotation');
  });

  it('types every number the service answers or reads as an integer: none of them is ever fractional', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const fractional: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      if ((node as { type?: unknown }).type === 'number') fractional.push(path);
      for (const [name, child] of Object.entries(node)) walk(child, `${path}/${name}`);
    };
    walk(doc, '#');
    expect(fractional).toEqual([]);
    const receipt = doc.components.schemas.RevocationReceiptResponse.properties;
    for (const field of ['position', 'instances_confirmed', 'instances_live']) expect(receipt[field]).toMatchObject({ type: 'integer', minimum: 0 });
  });

  it("names every kind of event a key's history answers, so a client can tell them apart", async () => {
    const type = (await request(t.http).get('/docs-json').expect(200)).body.components.schemas.KeyHistoryEventResponse.properties.type;
    for (const kind of [...API_KEY_EVENT_TYPES, KEY_USED, USAGE_ARCHIVED]) expect([kind, type.description]).toEqual([kind, expect.stringMatching(new RegExp(`\\b${kind}\\b`))]);
  });

  it('declares a key’s uses by outcome, refused ones included', async () => {
    const schemas = (await request(t.http).get('/docs-json').expect(200)).body.components.schemas;
    for (const outcome of ['accepted', 'rate_limited', 'refused']) {
      expect(schemas.KeyUsageResponse.properties[outcome]).toMatchObject({ type: 'integer' });
      expect(schemas.KeyUsageResponse.required).toContain(outcome);
    }
    expect(schemas.KeyUsageResponse.properties.refused.description).toMatch(/INSUFFICIENT_PERMISSIONS/);
  });

  // A newer version's rule is listed as it is (same event, same fields): under an enum of this version's rules, a
  // generated Python client raised ValueError on the whole page ("'a_rule_of_a_newer_version' is not a valid AlertResponseRule").
  it("types an alert's rule as any rule a version of the service writes, as listed", async () => {
    const rule = (await request(t.http).get('/docs-json').expect(200)).body.components.schemas.AlertResponse.properties.rule;
    expect(rule).toMatchObject({ type: 'string' });
    expect(rule).not.toHaveProperty('enum');
    expect(rule.description).toMatch(/rate_spike, many_addresses, .*key_expiring, key_leaked, key_used_after_burst\. A newer version of the service may add rules/);
    const key = await t.bootstrapKey('newer-rules');
    const alertId = randomUUID().replaceAll('-', '');
    const at = new Date().toISOString();
    const data = { alertId, rule: 'a_rule_of_a_newer_version', keyId: null, accountId: 'newer-rules', ip: null, evidence: {}, windowStart: at, windowEnd: at, detectedAt: at };
    await t.app.get<EventStore>(EVENT_STORE).appendToStream(anomalyStreamId(alertId), [{ type: ANOMALY_DETECTED, schemaVersion: 1, data }], 'no_stream');
    await eventually(async () => {
      const listed = (await request(t.http).get('/v1/alerts').set(bearer(key.key)).expect(200)).body.data;
      expect(listed.map((alert: { rule: string }) => alert.rule)).toEqual(['a_rule_of_a_newer_version']);
    });
  });

  it("says what the alerts listing's 404 is, and that a key_id of no key of the account is an empty page, as answered", async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const listAlerts = doc.paths['/v1/alerts'].get;
    expect(listAlerts.responses['404'].description).toMatch(/starting_after names no alert of this account/);
    expect(listAlerts.responses['404'].description).not.toMatch(/API key/);
    const keyId = listAlerts.parameters.find((parameter: { name: string }) => parameter.name === 'key_id');
    expect(keyId.description).toMatch(/another account's key and an id of no key all give an empty page, never 404/);
    const key = (await t.bootstrapKey('acme')).key;
    const res = await request(t.http).get(`/v1/alerts?key_id=${randomUUID()}`).set(bearer(key)).expect(200);
    expect(res.body).toEqual({ data: [], has_more: false });
  });

  it('describes every answer of every operation, the successes too', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const undescribed: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { description?: string }> }>>)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) if (!response.description?.trim()) undescribed.push(`${method} ${path} ${status}`);
      }
    }
    expect(undescribed).toEqual([]);
  });

  it('describes every error answer with the one error schema', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    let errors = 0;
    for (const item of Object.values(doc.paths) as Record<string, { responses: Record<string, { content?: unknown }> }>[]) {
      for (const operation of Object.values(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          errors++;
          // Readiness's 503 adds terminus's status, info and details beside it.
          const schema = (response.content as { 'application/json': { schema: { allOf?: unknown[] } } })['application/json'].schema;
          expect(response.content).toEqual({ 'application/json': { schema: schema.allOf ? expect.objectContaining({ allOf: [{ $ref: '#/components/schemas/ErrorResponse' }, expect.anything()] }) : { $ref: '#/components/schemas/ErrorResponse' } } });
        }
      }
    }
    expect(errors).toBeGreaterThan(40);
  });

  // The error's type was a bare string: a generated client could not switch on it (docs/api.md lists eleven).
  it("lists every error type an answer carries, so that a generated client can tell them apart", async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const type = doc.components.schemas.ErrorDetail.properties.type;
    expect([...type.enum].sort()).toEqual(
      [
        'api_error',
        'authentication_error',
        'conflict_error',
        'invalid_request_error',
        'not_found_error',
        'payload_too_large_error',
        'permission_error',
        'precondition_failed_error',
        'rate_limit_error',
        'service_unavailable_error',
        'unsupported_media_type_error',
      ].sort(),
    );
    const key = (await t.bootstrapKey('acme')).key;
    const answers = [
      await request(t.http).get('/v1/api-keys?limit=0').set(bearer(key)),
      await request(t.http).get('/v1/api-keys').set(bearer('sk_unknown')),
      await request(t.http).get(`/v1/api-keys/${randomUUID()}`).set(bearer(key)),
      await request(t.http).put('/v1/api-keys').set(bearer(key)),
    ];
    expect(answers.map((res) => res.status)).toEqual([400, 401, 404, 405]);
    for (const res of answers) expect(type.enum).toContain(res.body.error.type);
  });

  it('serves the UI without any external asset', async () => {
    const res = await request(t.http).get('/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
    expect(res.text).toContain('./swagger-ui-bundle.js');
    expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });

  it('serves the UI and the document under a CSP that no page may frame, with nosniff and no referrer', async () => {
    expect(DOCS_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(DOCS_CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    const page = await request(t.http).get('/docs').expect(200);
    const assets = [...page.text.matchAll(/(?:src|href)="\.\/(docs\/[^"]+)"/g)].map(([, path]) => `/${path}`);
    expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css']));
    const answers: [string, request.Response][] = [
      ['/docs', page],
      ['/docs/', await request(t.http).get('/docs/').expect(200)],
      ['/docs-json', await request(t.http).get('/docs-json').expect(200)],
      ['/docs-yaml', await request(t.http).get('/docs-yaml').expect(200)],
      ['POST /docs', await request(t.http).post('/docs').expect(405)],
      ['POST /docs-yaml', await request(t.http).post('/docs-yaml').expect(405)],
    ];
    for (const path of assets) answers.push([path, await request(t.http).get(path).expect(200)]);
    for (const [path, res] of answers) {
      const { 'cross-origin-opener-policy': opener, 'permissions-policy': permissions, 'x-frame-options': framing } = res.headers;
      expect([path, res.headers['content-security-policy'], res.headers['x-content-type-options'], res.headers['referrer-policy']]).toEqual([
        path,
        DOCS_CONTENT_SECURITY_POLICY,
        'nosniff',
        'no-referrer',
      ]);
      // Until 2026-12-07 without these three.
      expect([path, opener, permissions, framing]).toEqual([path, 'same-origin', PAGE_PERMISSIONS_POLICY, 'DENY']);
    }
  });
});

/** Every answer of every operation in the document declares the header (over a hundred answers in all). */
function expectDeclaredOnEveryAnswer(doc: { paths: unknown }, header: string): void {
  const undeclared: string[] = [];
  let declared = 0;
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { headers?: Record<string, object> }> }>>)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (response.headers?.[header]) declared++;
        else undeclared.push(`${method} ${path} ${status}`);
      }
    }
  }
  expect(undeclared).toEqual([]);
  expect(declared).toBeGreaterThan(100);
}
