import { once } from 'node:events';
import { type AddressInfo, connect } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

const TOO_DEEP = { error: { type: 'invalid_request_error', message: 'The request body is nested too deeply (at most 32 levels).' } };
const NOT_DECOMPRESSIBLE = { error: { type: 'invalid_request_error', message: 'The request body could not be decompressed.' } };
const ENCODING_UNSUPPORTED = {
  error: { type: 'unsupported_media_type_error', message: 'The request body must be sent with Content-Encoding gzip, deflate or identity.' },
};
const unknownProperty = (path: string) => ({ error: { type: 'invalid_request_error', message: `${path} is not a known field` } });

/** `levels` arrays or objects nested inside each other, innermost `inner`. */
function nested(levels: number, kind: 'array' | 'object', inner = '1'): string {
  return kind === 'array' ? `${'['.repeat(levels)}${inner}${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}${inner}${'}'.repeat(levels)}`;
}

describe('Hostile request bodies', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 100_000 } });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    request(t.http)
      .post(path)
      .set({ 'Content-Type': 'application/json', ...headers })
      // As is: superagent would otherwise serialize a Buffer as JSON.
      .serialize((data) => data)
      .send(body);
  const create = (body: string | Buffer, headers: Record<string, string> = {}) => post('/v1/api-keys', body, { ...bearer(admin), ...headers });
  const verify = (body: string | Buffer, headers: Record<string, string> = {}) => post('/v1/keys/verify', body, { ...bearer(VERIFY_TOKEN), ...headers });

  describe('charsets: UTF-8 only, the same on the framework routes and verify', () => {
    const utf16 = (text: string) => Buffer.from(text, 'utf16le');
    it.each([
      ['utf-8', 'application/json; charset=utf-8', Buffer.from('{"name":"n"}'), 201, 200],
      ['utf8', 'application/json; charset=utf8', Buffer.from('{"name":"n"}'), 201, 200],
      ['"UTF-8" quoted', 'application/json; charset="UTF-8"', Buffer.from('{"name":"n"}'), 201, 200],
      ['utf-16le with a UTF-16LE body', 'application/json; charset=utf-16le', utf16('{"name":"n"}'), 415, 415],
      ['utf-16 with an ASCII body', 'application/json; charset=utf-16', Buffer.from('{"name":"n"}'), 415, 415],
      ['latin1', 'application/json; charset=latin1', Buffer.from('{"name":"n"}'), 415, 415],
    ])('%s: the same answer from both', async (_name, type, body, created, verified) => {
      await create(body, { 'Content-Type': type }).expect(created);
      const key = body.includes(0) ? utf16('{"key":"sk_x"}') : Buffer.from('{"key":"sk_x"}');
      await verify(key, { 'Content-Type': type }).expect(verified);
    });
  });

  describe('nesting depth is bounded before validation (at most 32 levels)', () => {
    it.each([
      ['1,313 levels of arrays (the body that reached a 500)', nested(1313, 'array')],
      ['5,000 levels of arrays (10 KB, under the size limit)', nested(5000, 'array')],
      ['33 levels of arrays', nested(33, 'array')],
      ['33 levels of objects', nested(33, 'object')],
      ['deep inside rate_limit', `{"name":"n","rate_limit":{"requests":5,"per_seconds":${nested(40, 'array')}}}`],
      ['deep inside an unknown property', `{"name":"n","extra":${nested(40, 'object')}}`],
      ['deep inside name', `{"name":${nested(40, 'array', '"x"')}}`],
    ])('answers 400 for %s', async (_name, body) => {
      const res = await create(body).expect(400);
      expect(res.body).toEqual(TOO_DEEP);
    });

    it('lets 32 levels through to validation, which answers about the field', async () => {
      const res = await create(`{"name":"n","extra":${nested(31, 'object')}}`).expect(400);
      expect(res.body.error.type).toBe('invalid_request_error');
      expect(res.body.error.message).toMatch(/extra/);
      expect(res.body).not.toEqual(TOO_DEEP);
    });

    it('bounds the verify route the same way', async () => {
      expect((await verify(nested(1313, 'array')).expect(400)).body).toEqual(TOO_DEEP);
      expect((await verify(`{"key":"sk_x","context":{"ip":${nested(40, 'array', '"1.2.3.4"')}}}`).expect(400)).body).toEqual(TOO_DEEP);
    });
  });

  describe('__proto__, constructor and prototype are refused like any unknown property', () => {
    it.each([
      ['__proto__', '{"name":"n","__proto__":{"admin":true}}', '__proto__'],
      ['constructor', '{"name":"n","constructor":{"prototype":{"admin":true}}}', 'constructor'],
      ['prototype', '{"name":"n","prototype":1}', 'prototype'],
      ['__proto__ inside rate_limit', '{"rate_limit":{"requests":5,"per_seconds":60,"__proto__":{}}}', 'rate_limit.__proto__'],
      ['constructor inside rate_limit', '{"rate_limit":{"requests":5,"per_seconds":60,"constructor":1}}', 'rate_limit.constructor'],
    ])('%s: 400, and no key is created', async (_name, body, path) => {
      const before = (await request(t.http).get('/v1/api-keys?limit=100').set(bearer(admin)).expect(200)).body.data.length;
      const res = await create(body).expect(400);
      expect(res.body).toEqual(unknownProperty(path));
      const after = (await request(t.http).get('/v1/api-keys?limit=100').set(bearer(admin)).expect(200)).body.data.length;
      expect(after).toBe(before);
    });

    it('in a query string too', async () => {
      const res = await request(t.http).get('/v1/api-keys?constructor=x').set(bearer(admin)).expect(400);
      expect(res.body).toEqual(unknownProperty('constructor'));
    });

    it('on the verify route', async () => {
      const res = await verify('{"key":"sk_x","__proto__":{"valid":true}}').expect(400);
      expect(res.body).toEqual(unknownProperty('__proto__'));
    });
  });

  describe('compressed bodies', () => {
    const json = JSON.stringify({ name: 'compressed' });

    it.each([
      ['gzip', 'gzip'],
      ['deflate', 'deflate'],
    ])('%s-flagged garbage: 400 with our message, no zlib text', async (_name, encoding) => {
      const res = await create('this is not compressed', { 'Content-Encoding': encoding }).expect(400);
      expect(res.body).toEqual(NOT_DECOMPRESSIBLE);
      expect(JSON.stringify(res.body)).not.toMatch(/header check|zlib|Z_/i);
    });

    it('a truncated gzip body: 400 with our message', async () => {
      const res = await create(gzipSync(json).subarray(0, 15), { 'Content-Encoding': 'gzip' }).expect(400);
      expect(res.body).toEqual(NOT_DECOMPRESSIBLE);
    });

    it.each([
      ['gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
    ])('a well-formed %s body is read', async (encoding, body) => {
      const res = await create(body, { 'Content-Encoding': encoding }).expect(201);
      expect(res.body.name).toBe('compressed');
    });

    it('a body that decompresses beyond the size limit: 413', async () => {
      const res = await create(gzipSync(JSON.stringify({ name: 'x'.repeat(1024 * 1024) })), { 'Content-Encoding': 'gzip' }).expect(413);
      expect(res.body).toEqual({ error: { type: 'payload_too_large_error', message: 'The request body is too large.' } });
    });

    // Until 2026-12-06 express.json answered a too-large declared length only once the whole body had come: the
    // framework routes kept a client that declared 1 GB waiting HTTP_REQUEST_TIMEOUT_MS, then answered 408.
    it.each([
      ['POST', '/v1/api-keys', () => admin],
      ['POST', '/v1/keys/verify', () => VERIFY_TOKEN],
    ])('%s %s: a declared length over the limit is 413 at once, before the body comes', async (method, path, credential) => {
      const { port } = t.http.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('error', () => undefined);
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${credential()}\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"name":`);
      const deadline = Date.now() + 3_000;
      while (!answer.includes('\r\n\r\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      socket.destroy();
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    });

    it.each([['br'], ['compress'], ['zstd'], ['gzip, gzip']])('Content-Encoding %s: 415 with our message', async (encoding) => {
      const res = await create(json, { 'Content-Encoding': encoding }).expect(415);
      expect(res.body).toEqual(ENCODING_UNSUPPORTED);
    });

    it('the verify route answers the same', async () => {
      const key = generateApiKey();
      expect((await verify('garbage', { 'Content-Encoding': 'gzip' }).expect(400)).body).toEqual(NOT_DECOMPRESSIBLE);
      expect((await verify('garbage', { 'Content-Encoding': 'deflate' }).expect(400)).body).toEqual(NOT_DECOMPRESSIBLE);
      expect((await verify(JSON.stringify({ key }), { 'Content-Encoding': 'br' }).expect(415)).body).toEqual(ENCODING_UNSUPPORTED);
      const read = await verify(gzipSync(JSON.stringify({ key })), { 'Content-Encoding': 'gzip' }).expect(200);
      expect(read.body).toEqual({ valid: false, code: 'NOT_FOUND' });
    });
  });
});

describe('Authentication comes before the body is read', () => {
  let t: TestApp;
  let valid: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 100_000 } });
    valid = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const bodies: [string, Record<string, string>, string | Buffer][] = [
    ['not JSON', { 'Content-Type': 'application/json' }, '{"name": '],
    ['too large', { 'Content-Type': 'application/json' }, JSON.stringify({ name: 'x'.repeat(64 * 1024) })],
    ['form-encoded', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'name=x'],
    ['text', { 'Content-Type': 'text/plain' }, 'name'],
    ['not UTF-8', { 'Content-Type': 'application/json; charset=latin1' }, '{"name":"x"}'],
    ['gzip garbage', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, 'garbage'],
    ['an unsupported encoding', { 'Content-Type': 'application/json', 'Content-Encoding': 'br' }, '{}'],
    ['nested too deeply', { 'Content-Type': 'application/json' }, nested(2000, 'array')],
    ['with __proto__', { 'Content-Type': 'application/json' }, '{"__proto__":{}}'],
    ['an unknown property', { 'Content-Type': 'application/json' }, '{"admin":true}'],
  ];

  const credentials: [string, Record<string, string>][] = [
    ['anonymous', {}],
    ['with an unknown key', bearer(generateApiKey())],
    ['with a malformed key', bearer('sk_short')],
  ];

  const asAnonymousValid = async (credential: Record<string, string>) =>
    request(t.http).post('/v1/api-keys').set(credential).send({ name: 'fine' }).expect(401);

  describe.each(credentials)('POST /v1/api-keys %s', (_who, credential) => {
    it.each(bodies)('a body %s gets the very 401 a valid body gets', async (_body, headers, body) => {
      const expected = await asAnonymousValid(credential);
      const res = await request(t.http).post('/v1/api-keys').set({ ...credential, ...headers }).send(body).expect(401);
      expect(res.body).toEqual(expected.body);
      expect(res.headers['www-authenticate']).toBe(expected.headers['www-authenticate']);
      expect(res.headers['content-type']).toBe(expected.headers['content-type']);
    });
  });

  it('a valid key still gets the body refusals', async () => {
    const malformed = await request(t.http).post('/v1/api-keys').set(bearer(valid)).set('Content-Type', 'application/json').send('{"name": ').expect(400);
    expect(malformed.body).toEqual({ error: { type: 'invalid_request_error', message: 'The request body is not valid JSON.' } });
    const form = await request(t.http).post('/v1/api-keys').set(bearer(valid)).set('Content-Type', 'text/plain').send('x').expect(415);
    expect(form.body).toEqual({
      error: { type: 'unsupported_media_type_error', message: 'Request bodies must be JSON (Content-Type: application/json).' },
    });
  });

  describe('the verify route checks its credential first, too', () => {
    const expected = { error: { type: 'authentication_error', message: 'The verify endpoint needs the service credential as a Bearer token.' } };

    it.each(bodies)('a body %s without the credential gets its 401', async (_body, headers, body) => {
      for (const credential of [{}, bearer('wrong-credential')]) {
        const res = await request(t.http).post('/v1/keys/verify').set({ ...credential, ...headers }).send(body).expect(401);
        expect(res.body).toEqual(expected);
      }
    });
  });
});
