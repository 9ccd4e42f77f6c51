import request from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { keyUsageStreamId } from '../../src/usage/domain/key-used.js';
import { bearer, ISO_DATE } from '../support/auth.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

describe.each(backends())('Usage tracking (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ backend });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  it('counts every authenticated request exactly, with last use, address and agent', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'worker' }).expect(201);
    const n = 17;
    for (let i = 0; i < n; i++) {
      await request(t.http).get('/v1/api-keys?limit=1').set(bearer(created.body.key)).set('User-Agent', `worker/${i}`).expect(200);
    }
    await flushUsage(t);

    const detail = await request(t.http).get(`/v1/api-keys/${created.body.id}`).set(bearer(admin)).expect(200);
    expect(detail.body).toMatchObject({
      id: created.body.id,
      request_count: n,
      last_used_at: expect.stringMatching(ISO_DATE),
      usage: {
        accepted: n,
        rate_limited: 0,
        first_used_at: expect.stringMatching(ISO_DATE),
        last_ip: expect.stringMatching(/127\.0\.0\.1/),
        last_user_agent: `worker/${n - 1}`,
      },
    });
    expect(detail.body).not.toHaveProperty('key');
    const hours = detail.body.usage.requests_per_hour;
    expect(hours).toHaveLength(24);
    expect(hours[23].count + hours[22].count).toBe(n);
    expect(hours.reduce((sum: number, h: { count: number }) => sum + h.count, 0)).toBe(n);

    const list = await request(t.http).get('/v1/api-keys?limit=1').set(bearer(admin)).expect(200);
    expect(list.body.data[0]).toMatchObject({ id: created.body.id, request_count: n, last_used_at: detail.body.last_used_at });
  });

  it('keeps uses out of the lifecycle stream, and no key material in any use', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'busy' }).expect(201);
    for (let i = 0; i < 5; i++) await request(t.http).get('/v1/api-keys').set(bearer(created.body.key)).expect(200);
    await flushUsage(t);
    const store = t.app.get<EventStore>(EVENT_STORE);
    const uses = await store.readStream(keyUsageStreamId(created.body.id));
    expect(uses).toHaveLength(5);
    expect(uses[0]).toMatchObject({
      type: 'KeyUsed',
      schemaVersion: 1,
      data: { keyId: created.body.id, accountId: 'acme', method: 'GET', path: '/v1/api-keys', outcome: 'accepted' },
    });
    expect(uses[0].data.requestId).toEqual(expect.stringMatching(/^req_/));
    const text = JSON.stringify(uses);
    expect(text).not.toContain(created.body.key);
    expect(text).not.toContain(created.body.key.slice(12));
  });

  it('reads a User-Agent as the UTF-8 it was sent in, so a key in it spelled with an invisible or fullwidth character is redacted', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'agent' }).expect(201);
    const { id, key } = created.body as { id: string; key: string };
    // How a client's UTF-8 bytes travel in a header: node's client writes each of these characters as one byte.
    const sent = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    const agents = [`tool/1 (${key.slice(0, 8)}\u200b${key.slice(8)})`, `tool/2 (\uff53\uff4b\uff3f${key.slice(3)})`, 'outil/3 (é)'];
    await request(t.http).get('/v1/api-keys?limit=1').set(bearer(key)).set('User-Agent', sent(agents[0])).expect(200);
    await request(t.http).get('/v1/whoami').set(bearer(key)).set('User-Agent', sent(agents[1])).expect(200);
    await request(t.http).get('/v1/whoami').set(bearer(key)).set('User-Agent', sent(agents[2])).expect(200);
    await flushUsage(t);
    const uses = await t.app.get<EventStore>(EVENT_STORE).readStream(keyUsageStreamId(id));
    expect(uses.map((use) => use.data.userAgent)).toEqual([`tool/1 (${key.slice(0, 12)}…[redacted])`, `tool/2 (sk_${key.slice(3, 12)}…[redacted])`, 'outil/3 (é)']);
    expect(JSON.stringify(uses)).not.toContain(key.slice(12));
  });

  it('records the query names of a use, their values redacted, on the listing and on the other routes', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'queried' }).expect(201);
    const id = created.body.id as string;
    await request(t.http).get('/v1/api-keys?limit=2').set(bearer(created.body.key)).expect(200);
    await request(t.http).get(`/v1/api-keys/${id}/events?limit=1&order=log`).set(bearer(created.body.key)).expect(200);
    await request(t.http).get('/v1/api-keys').set(bearer(created.body.key)).expect(200);
    await flushUsage(t);
    const uses = await t.app.get<EventStore>(EVENT_STORE).readStream(keyUsageStreamId(id));
    // Before, the query string was dropped: the owner could not see what a client asked.
    expect(uses.map((use) => use.data.path)).toEqual([
      '/v1/api-keys?limit=[redacted]',
      `/v1/api-keys/${id}/events?limit=[redacted]&order=[redacted]`,
      '/v1/api-keys',
    ]);
  });

  it('records failed authentications, naming the key only when it was recognised, never the secret', async () => {
    const doomed = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'doomed' }).expect(201);
    await request(t.http).delete(`/v1/api-keys/${doomed.body.id}`).set(bearer(admin)).expect(200);
    const unknown = generateApiKey();
    await request(t.http).get('/v1/api-keys').set(bearer(doomed.body.key)).set('User-Agent', 'stolen/1').expect(401);
    await request(t.http).get('/v1/api-keys').set(bearer(unknown)).expect(401);
    await request(t.http).get('/v1/api-keys').expect(401);
    await flushUsage(t);
    const store = t.app.get<EventStore>(EVENT_STORE);
    const failures = (await store.readAll({ after: null, maxCount: 10_000, types: ['AuthenticationFailed'] })).slice(-3);
    expect(failures.map((f) => f.data)).toEqual([
      expect.objectContaining({ reason: 'revoked', keyId: doomed.body.id, accountId: 'acme', userAgent: 'stolen/1', path: '/v1/api-keys' }),
      expect.objectContaining({ reason: 'unknown', keyId: null, accountId: null }),
      expect.objectContaining({ reason: 'missing', keyId: null }),
    ]);
    const text = JSON.stringify(failures);
    expect(text).not.toContain(doomed.body.key.slice(12));
    expect(text).not.toContain(unknown.slice(12));
  });

  it('answers a new key with zero usage', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({}).expect(201);
    expect(created.body).toMatchObject({ request_count: 0, last_used_at: null });
    const detail = await request(t.http).get(`/v1/api-keys/${created.body.id}`).set(bearer(admin)).expect(200);
    expect(detail.body.usage).toMatchObject({ accepted: 0, rate_limited: 0, first_used_at: null, last_ip: null });
  });
});
