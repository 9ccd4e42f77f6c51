import request from 'supertest';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../../src/usage/projection/key-usage-read-model.port.js';
import { StoreUnavailableError } from '../../src/shared/storage/store-unavailable.error.js';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('HTTP error handling', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  it('answers 413 for an oversized body', async () => {
    const res = await request(t.http)
      .post('/v1/api-keys')
      .set(bearer(admin))
      .send({ name: 'x'.repeat(64 * 1024) })
      .expect(413);
    expect(res.body).toEqual({ error: { type: 'payload_too_large_error', message: 'The request body is too large.' } });
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await request(t.http)
      .post('/v1/api-keys')
      .set(bearer(admin))
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('name=x')
      .expect(415);
    expect(res.body.error.type).toBe('unsupported_media_type_error');
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await request(t.http)
      .post('/v1/api-keys')
      .set(bearer(admin))
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(res.body).toEqual({ error: { type: 'invalid_request_error', message: 'The request body is not valid JSON.' } });
  });

  it('answers unknown routes with 404 in the same shape', async () => {
    const res = await request(t.http).get('/v1/nothing-here').set(bearer(admin)).expect(404);
    expect(res.body.error.type).toBe('not_found_error');
  });

  it('gives every response a request id, keeping a well-formed one from the caller', async () => {
    const mine = await request(t.http).get('/health').set('X-Request-Id', 'trace-0123456789').expect(200);
    expect(mine.headers['x-request-id']).toBe('trace-0123456789');
    const hostile = await request(t.http).get('/health').set('X-Request-Id', 'bad id\twith spaces').expect(200);
    expect(hostile.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    const error = await request(t.http).get('/v1/api-keys').expect(401);
    expect(error.headers['x-request-id']).toMatch(/^req_/);
  });

  it('answers 503 with Retry-After while a store is unreachable, as while the service starts', async () => {
    const key = (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({}).expect(201)).body;
    const readModel = t.app.get<KeyUsageReadModel>(KEY_USAGE_READ_MODEL);
    const original = readModel.getMany;
    readModel.getMany = async () => {
      throw new StoreUnavailableError('MongoDB', new Error('connect ECONNREFUSED'));
    };
    try {
      const res = await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(503);
      expect(res.body).toEqual({ error: { type: 'service_unavailable_error', message: 'A backing store is unavailable. Retry shortly.' } });
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      readModel.getMany = original;
    }
  });

  it('answers 500 without internals when something unexpected breaks', async () => {
    // A key's page reads its usage view from the read-model store (the key itself, from the key table).
    const key = (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({}).expect(201)).body;
    const readModel = t.app.get<KeyUsageReadModel>(KEY_USAGE_READ_MODEL);
    const original = readModel.getMany;
    readModel.getMany = async () => {
      throw new Error('SQLITE_CORRUPT: database disk image is malformed at /secret/path');
    };
    try {
      const res = await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(500);
      expect(res.body.error.type).toBe('api_error');
      expect(JSON.stringify(res.body)).not.toMatch(/SQLITE|secret|path/);
    } finally {
      readModel.getMany = original;
    }
  });
});
