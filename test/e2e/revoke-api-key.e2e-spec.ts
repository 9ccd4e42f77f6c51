import request from 'supertest';
import { apiKeyStreamId } from '../../src/keys/domain/api-key-events.js';
import { StoreUnavailableError } from '../../src/shared/storage/store-unavailable.error.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { KeyUsageSummaryTable } from '../../src/usage/projection/key-usage-summary-table.js';
import { bearer, ISO_DATE } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { flushUsage } from '../support/usage.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';

describe.each(backends())('DELETE /v1/api-keys/{id} (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ backend });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const createKey = async (name = 'victim') =>
    (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name }).expect(201)).body;

  it('revokes a key and answers the revoked key with the receipt of the revocation', async () => {
    const key = await createKey();
    const before = Date.now();
    const res = await request(t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    const stream = await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id));
    expect(res.body.revocation).toEqual({ position: stream[1].position, in_force_at: expect.stringMatching(ISO_DATE) });
    expect(Date.parse(res.body.revocation.in_force_at)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(res.body.revocation.in_force_at)).toBeLessThanOrEqual(Date.now());
    expect(res.headers.etag).toBe(`"${stream[1].revision}"`);
    expect(res.body).toEqual({
      id: key.id,
      name: 'victim',
      prefix: key.prefix,
      status: 'revoked',
      disabled: false,
      permissions: ['*'],
      allowed_ips: [],
      expires_at: null,
      predecessor_id: null,
      rotation: null,
      rate_limit: key.rate_limit,
      request_count: 0,
      created_at: key.created_at,
      last_used_at: null,
      revoked_at: expect.stringMatching(ISO_DATE),
      revocation: expect.anything(),
    });
  });

  it('answers with the uses the key made before it was revoked', async () => {
    const key = await createKey();
    for (let i = 0; i < 3; i++) await request(t.http).get('/v1/api-keys').set(bearer(key.key)).expect(200);
    await flushUsage(t);
    const res = await request(t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    expect(res.body).toMatchObject({ status: 'revoked', request_count: 3, last_used_at: expect.stringMatching(ISO_DATE) });
  });

  it('rejects the revoked key on the very next request', async () => {
    const key = await createKey();
    await request(t.http).get('/v1/api-keys').set(bearer(key.key)).expect(200);
    await request(t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    await request(t.http).get('/v1/api-keys').set(bearer(key.key)).expect(401);
  });

  it('answers a second revocation with the original revoked_at and appends nothing', async () => {
    const key = await createKey();
    const first = await request(t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    const second = await request(t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    // The same key and log position; in_force_at is the time of each answer (it was in force before both).
    expect({ ...second.body, revocation: { ...second.body.revocation, in_force_at: null } }).toEqual({
      ...first.body,
      revocation: { ...first.body.revocation, in_force_at: null },
    });
    const stream = await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id));
    expect(stream.map((e) => e.type)).toEqual(['KeyCreated', 'KeyRevoked']);
    expect(second.headers.etag).toBe(first.headers.etag);
  });

  it('lets a key revoke itself, after which it is refused', async () => {
    const key = await createKey('self');
    await request(t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(key.key)).expect(200);
    await request(t.http).get('/v1/api-keys').set(bearer(key.key)).expect(401);
  });

  it('answers 404 for an unknown id', async () => {
    const res = await request(t.http)
      .delete('/v1/api-keys/550e8400-e29b-41d4-a716-446655440000')
      .set(bearer(admin))
      .expect(404);
    expect(res.body).toEqual({
      error: { type: 'not_found_error', message: 'No such API key: 550e8400-e29b-41d4-a716-446655440000' },
    });
  });

  it('answers 400 for a malformed id', async () => {
    const res = await request(t.http).delete('/v1/api-keys/not-a-uuid').set(bearer(admin)).expect(400);
    expect(res.body.error).toEqual({ type: 'invalid_request_error', message: 'api_key_id must be a UUID.' });
  });
});

describe('DELETE /v1/api-keys/{id} while the key’s usage cannot be read', () => {
  it('answers 200 with the key and its uses as the log has them, says the read models are catching up, and the key is refused at once', async () => {
    const t = await startTestApp({ env: { READ_YOUR_WRITES_TIMEOUT_MS: 300 } });
    try {
      const admin = (await t.bootstrapKey('acme')).key;
      const victim = (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'victim' }).expect(201)).body;
      await request(t.http).get('/v1/api-keys').set(bearer(victim.key)).expect(200);
      await flushUsage(t);

      // The key's usage cannot be read (the summary table still loading while the read-model store is down;
      // the key itself is in the key table).
      const readModel = t.app.get(KeyUsageSummaryTable);
      const down = () => Promise.reject(new StoreUnavailableError('MongoDB', new Error('connection refused')));
      const { summaries } = readModel;
      Object.assign(readModel, { summaries: down });
      try {
        const res = await request(t.http).delete(`/v1/api-keys/${victim.id}`).set(bearer(admin)).expect(200);
        expect(res.headers['parsesphere-read-models']).toBe('catching-up');
        // Its usage as the log has it: the use above.
        expect(res.body).toMatchObject({ id: victim.id, name: 'victim', status: 'revoked', revoked_at: expect.stringMatching(ISO_DATE), request_count: 1 });
        expect(res.body.revocation).toEqual({ position: expect.any(Number), in_force_at: expect.stringMatching(ISO_DATE) });
        await request(t.http).get('/v1/alerts').set(bearer(victim.key)).expect(401);
        // Revoking again is still a success, answered from the log too.
        await request(t.http).delete(`/v1/api-keys/${victim.id}`).set(bearer(admin)).expect(200);
      } finally {
        Object.assign(readModel, { summaries });
      }
      // Once the store is back the answer comes from the read models again.
      await eventually(async () => {
        const again = await request(t.http).delete(`/v1/api-keys/${victim.id}`).set(bearer(admin)).expect(200);
        expect(again.headers['parsesphere-read-models']).toBeUndefined();
        expect(again.body.status).toBe('revoked');
      });
    } finally {
      await t.destroy();
    }
  });
});
