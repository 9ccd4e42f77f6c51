import request from 'supertest';
import { bearer } from '../support/auth.js';
import { rawRequest } from '../support/raw-request.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';
const NOT_AN_OBJECT = 'The request body must be a JSON object.';
const CONTROL = 'name must not contain control characters (such as NUL, tab, CR or LF).';
const BIDI = 'name must not contain bidirectional control characters (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).';
const BLANK = 'name must not be blank (only spaces or invisible characters).';
const NAME_LENGTH = 'name must be between 1 and 100 characters.';
const LIMIT = 'limit must be an integer between 1 and 100';
const AS_OF = 'as_of must be an RFC 3339 date-time, such as 2026-11-27T10:00:00Z';

/** Each case of issue 12 about validation, with its exact status and message. */
describe('validation: statuses and messages', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 1000 } });
    const created = await t.bootstrapKey('acme', 'admin');
    admin = created.key;
    adminId = created.keyId;
  });
  afterAll(() => t.destroy());

  const invalid = (message: string) => ({ error: { type: 'invalid_request_error', message } });
  const create = (body: unknown) => request(t.http).post('/v1/api-keys').set(bearer(admin)).send(body as object);
  const createRaw = (json: string) =>
    request(t.http).post('/v1/api-keys').set(bearer(admin)).set('Content-Type', 'application/json').send(json);
  const get = (path: string) => request(t.http).get(path).set(bearer(admin));
  const sendTarget = (method: string, target: string, token?: string) => rawRequest(t.http, method, target, token ? bearer(token) : {});
  /** POSTs these exact bytes as JSON (supertest would serialise a Buffer as JSON). */
  const postBytes = async (path: string, token: string, bytes: Buffer) => {
    const { status, body } = await rawRequest(t.http, 'POST', path, { ...bearer(token), 'Content-Type': 'application/json' }, bytes);
    return { status, body };
  };

  describe('the body of POST /v1/api-keys', () => {
    it.each(['[1,2]', '[]', '5', '"x"', 'null', 'true'])('refuses the JSON %s: not an object', async (json) => {
      const res = await createRaw(json).expect(400);
      expect(res.body).toEqual(invalid(NOT_AN_OBJECT));
    });

    it('refuses text that is not JSON', async () => {
      const res = await createRaw('{"name":').expect(400);
      expect(res.body).toEqual(invalid('The request body is not valid JSON.'));
    });

    it('refuses bytes that are not UTF-8 rather than replacing them', async () => {
      const body = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
      expect(await postBytes('/v1/api-keys', admin, body)).toEqual({ status: 400, body: invalid('The request body is not valid UTF-8.') });
    });

    it('creates an unnamed key with the default limit from no body at all, as from {}', async () => {
      const none = await request(t.http).post('/v1/api-keys').set(bearer(admin)).expect(201);
      const empty = await create({}).expect(201);
      for (const res of [none, empty]) {
        expect(res.body).toMatchObject({ name: null, status: 'active', rate_limit: { requests: 1000, per_seconds: 60 } });
      }
    });

    it.each([
      [{ name: 5 }, 'name must be a string'],
      [{ name: ['a'] }, 'name must be a string'],
      [{ name: {} }, 'name must be a string'],
      [{ name: '' }, NAME_LENGTH],
      [{ name: 'x'.repeat(101) }, NAME_LENGTH],
      [{ name: '   ' }, BLANK],
      [{ name: '\u200B' }, BLANK],
      [{ name: '\u2060' }, BLANK],
      [{ name: '\u00AD' }, BLANK],
      [{ name: '\u3164' }, BLANK],
      [{ name: '\u2800 \u115F' }, BLANK],
      [{ name: 'a\u0000b' }, CONTROL],
      [{ name: 'line\r\nbreak' }, CONTROL],
      [{ name: 'a\nb' }, CONTROL],
      [{ name: 'a\tb' }, CONTROL],
      [{ name: 'invoice\u202Egnp.exe' }, BIDI],
      [{ name: 'a\u2066b\u2069' }, BIDI],
      [{ name: 'admin\u200F-key' }, BIDI],
      [{ name: 'admin\u200E-key' }, BIDI],
      [{ name: 'half \uD83D pair' }, 'name must be valid Unicode text: it contains a lone surrogate.'],
      [{ rate_limit: null }, 'rate_limit must be an object with requests and per_seconds'],
      // Not nullable in the schema: null is refused like any other value of the wrong type.
      [{ permissions: null }, 'permissions must be an array of strings'],
      [{ allowed_ips: null }, 'allowed_ips must be an array of strings'],
      [{ expires_at: null }, 'expires_at must be an RFC 3339 date-time, such as 2027-01-01T00:00:00Z'],
      [{ rate_limit: 5 }, 'rate_limit must be an object with requests and per_seconds'],
      [{ rate_limit: { requests: 1.5, per_seconds: 60 } }, 'rate_limit.requests must be an integer between 1 and 1000000'],
      [{ rate_limit: { requests: 10, per_seconds: 86_401 } }, 'rate_limit.per_seconds must be an integer between 1 and 86400'],
      [
        { rate_limit: { requests: '10', per_seconds: 0 } },
        'rate_limit.requests must be an integer between 1 and 1000000; rate_limit.per_seconds must be an integer between 1 and 86400',
      ],
      [{ name: 'x', admin: true }, 'admin is not a known field'],
      [{ rate_limit: { requests: 1, per_seconds: 1, burst: 2 } }, 'rate_limit.burst is not a known field'],
      [{ name: 5, colour: 'blue' }, 'name must be a string; colour is not a known field'],
      // Named after a method every object inherits: refused as unknown, not dropped on the way to validation.
      [{ name: 'x', toString: 1 }, 'toString is not a known field'],
      [{ rate_limit: { requests: 1, per_seconds: 1, valueOf: 2 } }, 'rate_limit.valueOf is not a known field'],
      [{ name: 5, hasOwnProperty: 'x' }, 'name must be a string; hasOwnProperty is not a known field'],
      // An empty name is named too (it was " is not a known field").
      [{ '': 1 }, '"" is not a known field'],
      [{ rate_limit: { requests: 1, per_seconds: 1, '': 2 } }, 'rate_limit."" is not a known field'],
    ])('refuses %j with one message per invalid field', async (body, message) => {
      const res = await create(body).expect(400);
      expect(res.body).toEqual(invalid(message));
    });

    it('keeps a name in NFC and counts its length after normalisation, in characters', async () => {
      const composed = await create({ name: 'Cle\u0301 de production' }).expect(201);
      expect(composed.body.name).toBe('Cl\u00e9 de production');
      const read = await get(`/v1/api-keys/${composed.body.id}`).expect(200);
      expect(read.body.name).toBe('Cl\u00e9 de production');
      // 200 code points as sent, 100 once composed.
      await create({ name: 'e\u0301'.repeat(100) }).expect(201);
      // 100 characters, 200 UTF-16 units.
      await create({ name: '🔑'.repeat(100) }).expect(201);
      await create({ name: null }).expect(201);
    });
  });

  describe('query parameters', () => {
    it.each(['abc', '95.77', '0', '101', '-1', '1e1', '0x10', '', ' 5'])('refuses ?limit=%s with one message', async (limit) => {
      const res = await get(`/v1/api-keys?limit=${encodeURIComponent(limit)}`).expect(400);
      expect(res.body).toEqual(invalid(LIMIT));
    });

    it("words the history's order rule as the listing's status and the alerts' rule are worded", async () => {
      for (const order of ['LOG', '', 'time']) {
        const res = await get(`/v1/api-keys/${adminId}/events?order=${order}`).expect(400);
        expect(res.body).toEqual(invalid('order must be one of occurred, log'));
      }
    });

    it('refuses a repeated limit, and accepts the bounds', async () => {
      expect((await get('/v1/api-keys?limit=1&limit=2').expect(400)).body).toEqual(invalid(LIMIT));
      await get('/v1/api-keys?limit=1').expect(200);
      await get('/v1/api-keys?limit=100').expect(200);
      expect((await get(`/v1/api-keys/${adminId}/events?limit=abc`).expect(400)).body).toEqual(invalid(LIMIT));
      expect((await get('/v1/alerts?limit=0').expect(400)).body).toEqual(invalid(LIMIT));
    });

    it.each([
      ['/v1/api-keys?starting_after=nope', 'starting_after must be an API key id (a UUID)'],
      ['/v1/api-keys?colour=blue', 'colour is not a known field'],
      ['/v1/alerts?starting_after=nope', 'starting_after must be an alert id (32 lowercase hexadecimal digits)'],
      ['/v1/alerts?key_id=nope', 'key_id must be an API key id (a UUID)'],
      [
        '/v1/alerts?rule=bogus',
        'rule must be one of rate_spike, many_addresses, new_network, revoked_key_used, dormant_key_active, failed_auth_burst, key_expiring, key_leaked, key_used_after_burst',
      ],
    ])('refuses %s', async (path, message) => {
      expect((await get(path).expect(400)).body).toEqual(invalid(message));
    });

    it('answers 404 for a well-formed starting_after that names nothing in the account', async () => {
      const key = await get('/v1/api-keys?starting_after=550e8400-e29b-41d4-a716-446655440000').expect(404);
      expect(key.body).toEqual({ error: { type: 'not_found_error', message: 'starting_after: no such API key in this account.' } });
      const alert = await get(`/v1/alerts?starting_after=${'0'.repeat(32)}`).expect(404);
      expect(alert.body).toEqual({ error: { type: 'not_found_error', message: 'starting_after: no such alert in this account.' } });
    });
  });

  describe('ids are case-insensitive', () => {
    it('finds, lists after, shows the history of and revokes a key by its id in capitals, answering the lowercase id', async () => {
      const created = await create({ name: 'upper' }).expect(201);
      const upper = String(created.body.id).toUpperCase();
      expect((await get(`/v1/api-keys/${upper}`).expect(200)).body.id).toBe(created.body.id);
      await get(`/v1/api-keys?starting_after=${upper}`).expect(200);
      expect((await get(`/v1/api-keys/${upper}/events`).expect(200)).body.data[0].data.keyId).toBe(created.body.id);
      await get(`/v1/alerts?key_id=${upper}`).expect(200);
      const revoked = await request(t.http).delete(`/v1/api-keys/${upper}`).set(bearer(admin)).expect(200);
      expect(revoked.body).toMatchObject({ id: created.body.id, status: 'revoked' });
    });

    it('refuses what is no UUID in the path', async () => {
      expect((await get('/v1/api-keys/nope').expect(400)).body).toEqual(invalid('api_key_id must be a UUID.'));
    });

    // express's router decodes a path parameter as it matches the route, and answered one that does not decode
    // with 400 "Failed to decode param '%'" before authentication: such an id is no UUID like any other.
    it.each([
      ['GET', '/v1/api-keys/%'],
      ['DELETE', '/v1/api-keys/%'],
      ['PATCH', '/v1/api-keys/%ZZ'],
      ['GET', '/v1/api-keys/%ZZ/events'],
      ['POST', '/v1/api-keys/%E0%A4%A/disable'],
      ['POST', '/v1/api-keys/%FF/enable'],
      ['POST', '/v1/api-keys/%c3%28/roll'],
    ])('answers %s %s, a path that does not decode, 401 without a key and 400 after authentication', async (method, target) => {
      const anonymous = await sendTarget(method, target);
      expect([anonymous.status, anonymous.body]).toEqual([401, { error: { type: 'authentication_error', message: expect.any(String) } }]);
      const authenticated = await sendTarget(method, target, admin);
      expect([authenticated.status, authenticated.body]).toEqual([400, invalid('api_key_id must be a UUID.')]);
      expect(authenticated.headers['ratelimit-limit']).toBeDefined();
    });

    it('answers an unknown path that does not decode 404, naming it as sent, and a method it does not serve 405', async () => {
      const unknown = await sendTarget('GET', '/v1/alerts/%', admin);
      expect([unknown.status, unknown.body]).toEqual([404, { error: { type: 'not_found_error', message: 'Cannot GET /v1/alerts/%' } }]);
      expect((await sendTarget('PUT', '/v1/api-keys/%')).status).toBe(405);
    });

    it('answers an unknown path without echoing its query string, where a client may have put a secret by mistake', async () => {
      const unknown = await sendTarget('GET', '/v1/nope?password=hunter2', admin);
      expect([unknown.status, unknown.body]).toEqual([404, { error: { type: 'not_found_error', message: 'Cannot GET /v1/nope' } }]);
    });
  });

  describe('as_of takes every RFC 3339 date-time', () => {
    it.each(['0080-04-04T15:28:26Z', '0000-01-01T00:00:00+01:00'])('answers %s, before the key existed, with 404', async (asOf) => {
      const res = await get(`/v1/api-keys/${adminId}?as_of=${encodeURIComponent(asOf)}`).expect(404);
      expect(res.body).toEqual({ error: { type: 'not_found_error', message: `No such API key: ${adminId}` } });
    });

    it.each(['2999-01-01T00:00:00+02:00', '9999-12-31t23:59:59.123456z', '2999-12-31T23:59:60Z'])('answers %s with the key', async (asOf) => {
      expect((await get(`/v1/api-keys/${adminId}?as_of=${encodeURIComponent(asOf)}`).expect(200)).body.id).toBe(adminId);
    });

    it.each(['yesterday', '2026-02-30T00:00:00Z', '2026-11-27 10:00:00Z', '2026-11-27T10:00:00'])('refuses %j', async (asOf) => {
      expect((await get(`/v1/api-keys/${adminId}?as_of=${encodeURIComponent(asOf)}`).expect(400)).body).toEqual(invalid(AS_OF));
    });

    it('refuses one its offset carries past the year 9999 in UTC, whose answer no RFC 3339 date-time could write', async () => {
      // Before: 200, with requests_per_hour's hours "+010000-01-01T…".
      const res = await get(`/v1/api-keys/${adminId}?as_of=${encodeURIComponent('9999-12-31T23:59:59-23:59')}`).expect(400);
      expect(res.body).toEqual(invalid('as_of must be no later than 9999-12-31T23:59:59.999Z.'));
    });
  });

  describe('expires_at takes a leap second, as as_of and the CLI do', () => {
    it('stores 23:59:60 as the last millisecond of its minute, on create and on update', async () => {
      const created = await create({ expires_at: '2030-06-30T23:59:60Z' }).expect(201);
      expect(created.body.expires_at).toBe('2030-06-30T23:59:59.999Z');
      const updated = await request(t.http).patch(`/v1/api-keys/${created.body.id}`).set(bearer(admin)).send({ expires_at: '2030-12-31T23:59:60+00:00' }).expect(200);
      expect(updated.body.expires_at).toBe('2030-12-31T23:59:59.999Z');
    });
  });

  describe('expires_at stays within the years an RFC 3339 date-time can write', () => {
    it('refuses an expiry that an offset carries past 9999-12-31T23:59:59.999Z, on create and on update', async () => {
      const tooLate = invalid('expires_at must be no later than 9999-12-31T23:59:59.999Z.');
      expect((await create({ expires_at: '9999-12-31T23:59:59-23:59' }).expect(400)).body).toEqual(tooLate);
      const created = await create({ expires_at: '9999-12-31T23:59:59Z' }).expect(201);
      expect(created.body.expires_at).toBe('9999-12-31T23:59:59.000Z');
      const patch = request(t.http).patch(`/v1/api-keys/${created.body.id}`).set(bearer(admin));
      expect((await patch.send({ expires_at: '9999-12-31T23:30:00-00:45' }).expect(400)).body).toEqual(tooLate);
      // Such a key can still be rolled: its successor takes its expiry.
      await request(t.http).post(`/v1/api-keys/${created.body.id}/roll`).set(bearer(admin)).send({ grace_seconds: 0 }).expect(201);
    });
  });

  describe('the history cursor has the published form <lifecycle>.<usage>[.<end>]', () => {
    it('pages with it, accepts any cursor of that form (the older one without the end too) and refuses others', async () => {
      const created = await create({ name: 'paged' }).expect(201);
      await request(t.http).delete(`/v1/api-keys/${created.body.id}`).set(bearer(admin)).expect(200);
      const first = await get(`/v1/api-keys/${created.body.id}/events?limit=1`).expect(200);
      expect(first.body).toMatchObject({ has_more: true, next_cursor: expect.stringMatching(/^1\.0\.[0-9]+$/) });
      const end = Number(first.body.next_cursor.split('.')[2]);
      expect(end).toBeGreaterThanOrEqual(first.body.data[0].position);
      for (const cursor of [first.body.next_cursor, '1.0']) {
        const second = await get(`/v1/api-keys/${created.body.id}/events?limit=1&cursor=${cursor}`).expect(200);
        expect(second.body).toMatchObject({ data: [{ type: 'KeyRevoked' }], has_more: false, next_cursor: null });
      }
      // An end before the revocation was logged: the history ends there.
      const ended = await get(`/v1/api-keys/${created.body.id}/events?cursor=1.0.${first.body.data[0].position}`).expect(200);
      expect(ended.body).toEqual({ data: [], has_more: false, next_cursor: null });
      for (const beyondEnd of ['999999999999999.0', '999999999999999.0.999999999999999']) {
        const beyond = await get(`/v1/api-keys/${created.body.id}/events?cursor=${beyondEnd}`).expect(200);
        expect(beyond.body).toEqual({ data: [], has_more: false, next_cursor: null });
      }
      for (const cursor of ['bm9wZQ', '1.', '1.2.', '1.2.3.4', '1234567890123456.0', '1.0.1234567890123456']) {
        const res = await get(`/v1/api-keys/${created.body.id}/events?cursor=${cursor}`).expect(400);
        expect(res.body).toEqual(invalid('cursor must be a next_cursor this API returned (such as 2.150)'));
      }
    });
  });

  describe('routes that take no body', () => {
    it('refuse a body with fields in it, or one that is no object, and take none, an empty one or {}', async () => {
      const created = await create({ name: 'no body' }).expect(201);
      const path = `/v1/api-keys/${created.body.id}`;
      const post = (action: string) => request(t.http).post(`${path}/${action}`).set(bearer(admin));
      expect((await post('disable').send({ reason: 'x', enabled: false }).expect(400)).body).toEqual(
        invalid('reason is not a known field; enabled is not a known field'),
      );
      expect((await post('enable').set('Content-Type', 'application/json').send('[1]').expect(400)).body).toEqual(invalid(NOT_AN_OBJECT));
      await post('disable').send({}).expect(200);
      await post('enable').expect(200);
      expect((await request(t.http).delete(path).set(bearer(admin)).send({ cascade: true }).expect(400)).body).toEqual(
        invalid('cascade is not a known field'),
      );
      await request(t.http).delete(path).set(bearer(admin)).expect(200);
    });
  });

  // docs/api.md, Validation, "Query parameters": one rule on every /v1 route, a parameter the route does not declare is refused.
  describe('query parameters a route does not declare', () => {
    const FOO = invalid('foo is not a known field');
    const keyCount = async () => (await get('/v1/api-keys?limit=100').expect(200)).body.data.length as number;
    const keyOf = async (id: string) => (await get(`/v1/api-keys/${id}`).expect(200)).body;

    it.each([
      ['/v1/api-keys?foo=1', 'foo is not a known field'],
      ['/v1/whoami?foo=1', 'foo is not a known field'],
      ['/v1/whoami?foo=1&bar=2', 'foo is not a known field; bar is not a known field'],
      ['/v1/whoami?=1', '"" is not a known field'],
      ['/v1/api-keys?=1', '"" is not a known field'],
      ['/v1/alerts?foo=1', 'foo is not a known field'],
    ])('GET %s is refused: %s', async (path, message) => {
      expect((await get(path).expect(400)).body).toEqual(invalid(message));
    });

    it('GET one key and its history refuse one too, their own parameters still taken', async () => {
      expect((await get(`/v1/api-keys/${adminId}?foo=1`).expect(400)).body).toEqual(FOO);
      expect((await get(`/v1/api-keys/${adminId}/events?foo=1`).expect(400)).body).toEqual(FOO);
      expect((await get(`/v1/api-keys/${adminId}/events?limit=1&as_of=2030-01-01T00:00:00Z`).expect(400)).body).toEqual(invalid('as_of is not a known field'));
      await get(`/v1/api-keys/${adminId}/events?limit=1`).expect(200);
      await get(`/v1/api-keys/${adminId}?as_of=2999-01-01T00:00:00Z`).expect(200);
      await get('/v1/whoami').expect(200);
      await get('/v1/whoami?').expect(200);
    });

    it('refuses a parameter or field named after an Object.prototype method, on every route that validates a DTO, and changes nothing', async () => {
      expect((await get(`/v1/api-keys/${adminId}?toString=1`).expect(400)).body).toEqual(invalid('toString is not a known field'));
      expect((await get(`/v1/api-keys/${adminId}/events?limit=1&valueOf=1`).expect(400)).body).toEqual(invalid('valueOf is not a known field'));
      expect((await get('/v1/alerts?hasOwnProperty=1').expect(400)).body).toEqual(invalid('hasOwnProperty is not a known field'));
      const key = (await create({ name: 'kept' }).expect(201)).body;
      const patched = await request(t.http).patch(`/v1/api-keys/${key.id}`).set(bearer(admin)).send({ name: 'renamed', isPrototypeOf: 1 }).expect(400);
      expect(patched.body).toEqual(invalid('isPrototypeOf is not a known field'));
      const rolled = await request(t.http).post(`/v1/api-keys/${key.id}/roll`).set(bearer(admin)).send({ grace_seconds: 0, toLocaleString: 1 }).expect(400);
      expect(rolled.body).toEqual(invalid('toLocaleString is not a known field'));
      expect(await keyOf(key.id)).toMatchObject({ name: 'kept', status: 'active', rotation: null });
    });

    it('POST /v1/api-keys?foo=1 is refused and creates no key, with or without a body', async () => {
      const before = await keyCount();
      const withBody = await request(t.http).post('/v1/api-keys?foo=1').set(bearer(admin)).send({ name: 'not made' }).expect(400);
      expect(withBody.body).toEqual(FOO);
      expect((await request(t.http).post('/v1/api-keys?foo=1').set(bearer(admin)).expect(400)).body).toEqual(FOO);
      // With an Idempotency-Key, the refusal claims nothing: the same key then creates.
      const idempotent = () => request(t.http).post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', 'query-refused-0001');
      expect((await request(t.http).post('/v1/api-keys?foo=1').set(bearer(admin)).set('Idempotency-Key', 'query-refused-0001').send({}).expect(400)).body).toEqual(FOO);
      expect(await keyCount()).toBe(before);
      await idempotent().send({}).expect(201);
      expect(await keyCount()).toBe(before + 1);
    });

    it('DELETE, PATCH, roll, disable and enable with ?foo=1 are refused and change nothing', async () => {
      const created = await create({ name: 'kept as is' }).expect(201);
      const path = `/v1/api-keys/${created.body.id}`;
      const before = await keyOf(created.body.id);
      expect((await request(t.http).delete(`${path}?foo=1`).set(bearer(admin)).expect(400)).body).toEqual(FOO);
      expect((await request(t.http).patch(`${path}?foo=1`).set(bearer(admin)).send({ name: 'renamed' }).expect(400)).body).toEqual(FOO);
      expect((await request(t.http).post(`${path}/roll?foo=1`).set(bearer(admin)).send({ grace_seconds: 0 }).expect(400)).body).toEqual(FOO);
      expect((await request(t.http).post(`${path}/disable?foo=1`).set(bearer(admin)).expect(400)).body).toEqual(FOO);
      // A field of the route's own body, put in the query string: said so, not called unknown.
      const inQuery = await request(t.http).post(`${path}/roll?grace_seconds=60&foo=1`).set(bearer(admin)).send({}).expect(400);
      expect(inQuery.body).toEqual(invalid('grace_seconds is a field of the JSON request body, not of the query string; foo is not a known field'));
      expect((await request(t.http).patch(`${path}?name=x`).set(bearer(admin)).send({}).expect(400)).body).toEqual(
        invalid('name is a field of the JSON request body, not of the query string'),
      );
      const after = await keyOf(created.body.id);
      expect(after).toMatchObject({ status: 'active', name: 'kept as is', disabled: false, revoked_at: null, rotation: before.rotation });
      expect(after.id).toBe(before.id);
      expect((await get(`${path}/events`).expect(200)).body.data.map((event: { type: string }) => event.type)).toEqual(['KeyCreated']);
      await request(t.http).post(`${path}/disable`).set(bearer(admin)).expect(200);
      expect((await request(t.http).post(`${path}/enable?foo=1`).set(bearer(admin)).expect(400)).body).toEqual(FOO);
      expect((await keyOf(created.body.id)).status).toBe('disabled');
    });

    it('an anonymous request with an unknown parameter is 401, as any (authentication first)', async () => {
      expect((await request(t.http).get('/v1/whoami?foo=1').expect(401)).body.error.type).toBe('authentication_error');
      expect((await request(t.http).post('/v1/api-keys?foo=1').send({}).expect(401)).body.error.type).toBe('authentication_error');
      expect((await request(t.http).post('/v1/keys/verify?foo=1').send({ key: 'sk_nope' }).expect(401)).body.error.type).toBe('authentication_error');
    });

    it('POST /v1/keys/verify?foo=1 is refused and records no use', async () => {
      const created = await create({ name: 'verified' }).expect(201);
      const verify = (path: string) => request(t.http).post(path).set(bearer(VERIFY_TOKEN)).send({ key: created.body.key });
      expect((await verify('/v1/keys/verify?foo=1').expect(400)).body).toEqual(FOO);
      expect((await verify('/v1/keys/verify').expect(200)).body.valid).toBe(true);
      await flushUsage(t);
      expect((await keyOf(created.body.id)).usage.accepted).toBe(1);
    });

    it('routes outside /v1 let them be', async () => {
      await request(t.http).get('/health?foo=1').expect(200);
      await request(t.http).get('/docs-json?foo=1').expect(200);
    });
  });

  describe('the verify body', () => {
    const verify = () => request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).set('Content-Type', 'application/json');

    it.each(['[1,2]', '5', '"x"', 'null'])('refuses the JSON %s: not an object', async (json) => {
      expect((await verify().send(json).expect(400)).body).toEqual(invalid(NOT_AN_OBJECT));
    });

    it('refuses bytes that are not UTF-8', async () => {
      const body = Buffer.concat([Buffer.from('{"key":"sk_'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      expect(await postBytes('/v1/keys/verify', VERIFY_TOKEN, body)).toEqual({ status: 400, body: invalid('The request body is not valid UTF-8.') });
    });

    // RFC 8259 §8.1 lets a parser ignore a byte order mark; express.json (iconv-lite) does, and so must verify.
    it('takes a body after one UTF-8 byte order mark, as the express routes do, and refuses a second one alike', async () => {
      const bom = Buffer.from([0xef, 0xbb, 0xbf]);
      const withBom = (...parts: (Buffer | string)[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
      expect(await postBytes('/v1/keys/verify', VERIFY_TOKEN, withBom(bom, '{"key":"sk_nope"}'))).toEqual({ status: 200, body: { valid: false, code: 'MALFORMED' } });
      expect((await postBytes('/v1/api-keys', admin, withBom(bom, '{"name":"bom"}'))).status).toBe(201);
      for (const body of [withBom(bom, bom, '{}'), withBom(' ', bom, '{}')]) {
        const malformed = { status: 400, body: invalid('The request body is not valid JSON.') };
        expect(await postBytes('/v1/keys/verify', VERIFY_TOKEN, body)).toEqual(malformed);
        expect(await postBytes('/v1/api-keys', admin, body)).toEqual(malformed);
      }
    });

    it('refuses an empty context.ip, as its schema (ipv4 or ipv6) does', async () => {
      const res = await verify().send(JSON.stringify({ key: 'sk_x', context: { ip: '' } })).expect(400);
      expect(res.body).toEqual(invalid('context.ip must be an IPv4 or IPv6 address'));
    });

    it('names each invalid field once', async () => {
      const res = await verify().send(JSON.stringify({ key: 5, context: { ip: 'x', colour: 'red' }, admin: true })).expect(400);
      expect(res.body).toEqual(
        invalid('key must be a string of at most 256 characters; context.ip must be an IPv4 or IPv6 address; context.colour is not a known field; admin is not a known field'),
      );
    });
  });
});
