import request from 'supertest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { apiKeyStreamId } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer, UUID } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { createKey, expectRefusedLikeRevoked, freezeClock } from '../support/keys.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';
import { rawRequest } from '../support/raw-request.js';

describe.each(backends())('Idempotency-Key on POST /v1/api-keys and /roll (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let other: string;
  let values = 0;
  /** A value no other test uses. */
  const value = () => `retry-${backend}-${++values}-${Date.now()}`;

  beforeAll(async () => {
    t = await startTestApp({ backend });
    const bootstrap = await t.bootstrapKey('acme');
    admin = bootstrap.key;
    adminId = bootstrap.keyId;
    other = (await t.bootstrapKey('acme', 'Second admin')).key;
  });
  afterAll(() => t.destroy());

  const create = (key: string, idempotencyKey: string, body: object = {}) =>
    request(t.http).post('/v1/api-keys').set(bearer(key)).set('Idempotency-Key', idempotencyKey).send(body);
  const roll = (key: string, id: string, idempotencyKey: string, body: object) =>
    request(t.http).post(`/v1/api-keys/${id}/roll`).set(bearer(key)).set('Idempotency-Key', idempotencyKey).send(body);
  const listed = async (name: string) =>
    (await request(t.http).get('/v1/api-keys?limit=100').set(bearer(admin)).expect(200)).body.data.filter((key: { name: string }) => key.name === name);
  const works = async (key: string) => (await request(t.http).get('/v1/api-keys?limit=1').set(bearer(key))).status === 200;
  const stream = (id: string) => t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(id));

  it('creates the key the first time, as without the header', async () => {
    const res = await create(admin, value(), { name: 'first time', permissions: ['keys:read'] }).expect(201);
    expect(res.body).toMatchObject({ id: expect.stringMatching(UUID), name: 'first time', key: expect.stringMatching(/^sk_/), permissions: ['keys:read'], status: 'active' });
    expect(res.headers).not.toHaveProperty('idempotent-replayed');
    expect(res.headers.location).toBe(`/v1/api-keys/${res.body.id}`);
    expect(await listed('first time')).toHaveLength(1);
  });

  it('answers a repeat with the same key and a new secret, the first one refused at once, and records the reissue in its history', async () => {
    const idempotencyKey = value();
    const body = { name: 'repeated', permissions: ['keys:read'], rate_limit: { requests: 10, per_seconds: 60 } };
    const first = (await create(admin, idempotencyKey, body).expect(201)).body;
    // The same request however its JSON is spelled: properties in another order.
    const again = await create(admin, idempotencyKey, { rate_limit: { per_seconds: 60, requests: 10 }, permissions: ['keys:read'], name: 'repeated' }).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(`/v1/api-keys/${first.id}`);
    expect(again.body).toEqual({ ...first, key: again.body.key, prefix: again.body.key.slice(0, 12) });
    expect(again.body.key).not.toBe(first.key);
    await expectRefusedLikeRevoked(t, first.key);
    expect(await works(again.body.key)).toBe(true);
    expect(await listed('repeated')).toEqual([expect.objectContaining({ id: first.id, prefix: again.body.key.slice(0, 12) })]);
    const history = (await request(t.http).get(`/v1/api-keys/${first.id}/events`).set(bearer(admin)).expect(200)).body.data;
    const reissue = history.find((event: { type: string }) => event.type === 'KeySecretReissued');
    expect(reissue).toMatchObject({ stream: 'lifecycle', acting_key_id: adminId, data: { reason: 'idempotent_retry', prefix: again.body.key.slice(0, 12) } });
    expect(reissue.data).not.toHaveProperty('secretHash');
    // A third time: the second secret goes the way of the first.
    const third = (await create(admin, idempotencyKey, body).expect(201)).body;
    expect(third.id).toBe(first.id);
    await expectRefusedLikeRevoked(t, again.body.key);
    expect((await stream(first.id)).map((event) => event.type)).toEqual(['KeyCreated', 'KeySecretReissued', 'KeySecretReissued']);
  });

  // api.md, Idempotency-Key: the repeat's answer has the first answer's fields, the key as it is now (its uses counted
  // since), not GET /v1/api-keys/{id}'s usage object: a client reads a retry's answer as it would have read the first.
  it("answers a repeat with the first answer's fields, the key's counts as they are now, and no usage object", async () => {
    const idempotencyKey = value();
    const first = (await create(admin, idempotencyKey, { name: 'used before its repeat' }).expect(201)).body;
    expect(await works(first.key)).toBe(true);
    await flushUsage(t);
    const again = await create(admin, idempotencyKey, { name: 'used before its repeat' }).expect(201);
    expect(Object.keys(again.body).sort()).toEqual(Object.keys(first).sort());
    expect(again.body).not.toHaveProperty('usage');
    expect(again.body).toMatchObject({ id: first.id, request_count: 1, last_used_at: expect.any(String) });
    expect(first).toMatchObject({ request_count: 0, last_used_at: null });
  });

  it('stores neither the value nor the body: the claim holds hashes only', async () => {
    const idempotencyKey = `${value()}-sk_${'Q'.repeat(38)}`;
    await create(admin, idempotencyKey, { name: 'stored as hashes' }).expect(201);
    const log = await t.app.get<EventStore>(EVENT_STORE).readAll({ after: null, maxCount: 100_000, types: ['IdempotencyKeyClaimed'] });
    expect(log.length).toBeGreaterThan(0);
    const text = JSON.stringify(log);
    expect(text).not.toContain(idempotencyKey);
    expect(text).not.toContain('QQQQQQQQQQ');
    expect(text).not.toContain('stored as hashes');
    expect(log.every((event) => /^idempotency_key-[0-9a-f]{64}$/.test(event.streamId) && /^[0-9a-f]{64}$/.test(event.data.requestHash as string))).toBe(true);
    if (backend === 'embedded') expect(readFileSync(join(t.dataDir, 'events.sqlite')).includes(Buffer.from(idempotencyKey))).toBe(false);
  });

  it('refuses the same value with a different request (409), making no key', async () => {
    const idempotencyKey = value();
    await create(admin, idempotencyKey, { name: 'one body' }).expect(201);
    const res = await create(admin, idempotencyKey, { name: 'another body' }).expect(409);
    expect(res.body).toEqual({ error: { type: 'conflict_error', message: expect.stringMatching(/^This Idempotency-Key was used with a different request/) } });
    expect(res.body.error.message).not.toContain(idempotencyKey);
    expect(await listed('another body')).toEqual([]);
    // No body is the same as {}, and not the same as a body with a name.
    const bare = value();
    await request(t.http).post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', bare).expect(201);
    await create(admin, bare, {}).expect(201).expect('Idempotent-Replayed', 'true');
  });

  it('takes a body spelling the same key otherwise for the same request: a null name is no name, a name composed or decomposed', async () => {
    const unnamed = value();
    const first = (await create(admin, unnamed, {}).expect(201)).body;
    const repeat = await create(admin, unnamed, { name: null }).expect(201).expect('Idempotent-Replayed', 'true');
    expect(repeat.body).toMatchObject({ id: first.id, name: null });
    const named = value();
    const composed = (await create(admin, named, { name: 'Cl\u00e9 de d\u00e9ploiement' }).expect(201)).body;
    const decomposed = await create(admin, named, { name: 'Cle\u0301 de de\u0301ploiement' }).expect(201).expect('Idempotent-Replayed', 'true');
    expect(decomposed.body).toMatchObject({ id: composed.id, name: 'Cl\u00e9 de d\u00e9ploiement' });
  });

  it('makes exactly one key of repeats sent at once: the others wait (409, Retry-After: 1) or get its new secret', async () => {
    const idempotencyKey = value();
    const answers = await Promise.all(Array.from({ length: 6 }, () => create(admin, idempotencyKey, { name: 'at once' })));
    expect(answers.map((res) => res.status).every((status) => status === 201 || status === 409)).toBe(true);
    for (const res of answers.filter((res) => res.status === 409)) {
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.error).toEqual({ type: 'conflict_error', message: expect.stringContaining('still in progress') });
    }
    const made = answers.filter((res) => res.status === 201);
    expect(made.filter((res) => res.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(new Set(made.map((res) => res.body.id)).size).toBe(1);
    expect(await listed('at once')).toHaveLength(1);
    const working = await Promise.all(made.map((res) => works(res.body.key)));
    expect(working.filter(Boolean)).toHaveLength(1);
  });

  it('keeps the values of each acting key apart: another key of the account with the same value makes its own key', async () => {
    const idempotencyKey = value();
    const mine = (await create(admin, idempotencyKey, { name: 'per acting key' }).expect(201)).body;
    const theirs = await create(other, idempotencyKey, { name: 'per acting key' }).expect(201);
    expect(theirs.headers).not.toHaveProperty('idempotent-replayed');
    expect(theirs.body.id).not.toBe(mine.id);
    expect(await works(mine.key)).toBe(true);
  });

  it('keeps accounts apart: the same value in another account makes its own key and touches nothing here', async () => {
    const idempotencyKey = value();
    const mine = (await create(admin, idempotencyKey, { name: 'per account' }).expect(201)).body;
    const globex = (await t.bootstrapKey('globex')).key;
    const theirs = await create(globex, idempotencyKey, { name: 'per account' }).expect(201);
    expect(theirs.headers).not.toHaveProperty('idempotent-replayed');
    expect(theirs.body.id).not.toBe(mine.id);
    expect(await works(mine.key)).toBe(true);
    expect((await stream(mine.id)).map((event) => event.type)).toEqual(['KeyCreated']);
  });

  it('holds a value for 24 hours from its first request (the service clock), then takes it for a new request', async () => {
    const start = Date.now();
    const clock = freezeClock(t, start);
    try {
      const idempotencyKey = value();
      const first = (await create(admin, idempotencyKey, { name: 'a day' }).expect(201)).body;
      clock.set(start + 86_400_000 - 1);
      const repeat = await create(admin, idempotencyKey, { name: 'a day' }).expect(201);
      expect(repeat.headers['idempotent-replayed']).toBe('true');
      expect(repeat.body.id).toBe(first.id);
      clock.set(start + 86_400_000);
      const fresh = await create(admin, idempotencyKey, { name: 'a day, again' }).expect(201);
      expect(fresh.headers).not.toHaveProperty('idempotent-replayed');
      expect(fresh.body.id).not.toBe(first.id);
      expect(await works(repeat.body.key)).toBe(true);
    } finally {
      clock.restore();
    }
  });

  it('refuses a repeat whose key was revoked or rolled since, naming the key, and gives no secret', async () => {
    const revokedValue = value();
    const revoked = (await create(admin, revokedValue, { name: 'revoked since' }).expect(201)).body;
    await request(t.http).delete(`/v1/api-keys/${revoked.id}`).set(bearer(admin)).expect(200);
    const res = await create(admin, revokedValue, { name: 'revoked since' }).expect(409);
    expect(res.body.error).toEqual({ type: 'conflict_error', message: expect.stringContaining(`API key ${revoked.id}, which is revoked`) });
    expect((await stream(revoked.id)).map((event) => event.type)).toEqual(['KeyCreated', 'KeyRevoked']);

    const rolledValue = value();
    const rolled = (await create(admin, rolledValue, { name: 'rolled since' }).expect(201)).body;
    await request(t.http).post(`/v1/api-keys/${rolled.id}/roll`).set(bearer(admin)).send({ grace_seconds: 60 }).expect(201);
    const refused = await create(admin, rolledValue, { name: 'rolled since' }).expect(409);
    expect(refused.body.error.message).toContain(`API key ${rolled.id}, which has been rolled`);
    expect(await works(rolled.key)).toBe(true);
  });

  it('answers a repeated roll with the same successor and a new secret, the first successor secret refused, the old key in its grace', async () => {
    const old = await createKey(t, admin, { name: 'rolled once' });
    const idempotencyKey = value();
    const first = (await roll(admin, old.id, idempotencyKey, { grace_seconds: 3600 }).expect(201)).body;
    const again = await roll(admin, old.id.toUpperCase(), idempotencyKey, { grace_seconds: 3600 }).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers).not.toHaveProperty('etag');
    expect(again.headers.location).toBe(`/v1/api-keys/${first.id}`);
    expect(again.body).toMatchObject({ id: first.id, predecessor_id: old.id, name: 'rolled once', rolled: { id: old.id, rotation: { successor_id: first.id } } });
    expect(again.body.key).not.toBe(first.key);
    await expectRefusedLikeRevoked(t, first.key);
    expect(await works(again.body.key)).toBe(true);
    expect(await works(old.key)).toBe(true);
    expect((await stream(old.id)).map((event) => event.type)).toEqual(['KeyCreated', 'KeyRolled']);
    expect((await stream(first.id)).map((event) => event.type)).toEqual(['KeyCreated', 'KeySecretReissued']);
    // Another grace is another request.
    await roll(admin, old.id, idempotencyKey, { grace_seconds: 60 }).expect(409);
    // The same value on another key's roll is another request too.
    const another = await createKey(t, admin);
    await roll(admin, another.id, idempotencyKey, { grace_seconds: 3600 }).expect(409);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'x'.repeat(256)],
    ['not ASCII', 'clé'],
  ])('refuses an Idempotency-Key %s with 400 naming it, making nothing', async (_name, bad) => {
    for (const res of [await create(admin, bad, { name: 'bad header' }), await roll(admin, adminId, bad, { grace_seconds: 60 })]) {
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ type: 'invalid_request_error', message: 'Idempotency-Key must be 1 to 255 printable ASCII characters.' });
    }
    expect(await listed('bad header')).toEqual([]);
  });

  it('refuses an Idempotency-Key sent in two header fields (node would read them as one value, "a, b"), making nothing', async () => {
    const [a, b] = [value(), value()];
    const send = (path: string, body: object) =>
      rawRequest(t.http, 'POST', path, { ...bearer(admin), 'Content-Type': 'application/json', 'Idempotency-Key': [a, b] }, Buffer.from(JSON.stringify(body)));
    for (const res of [await send('/v1/api-keys', { name: 'two header fields' }), await send(`/v1/api-keys/${adminId}/roll`, { grace_seconds: 60 })]) {
      expect([res.status, res.body.error]).toEqual([
        400,
        { type: 'invalid_request_error', message: 'Idempotency-Key must be sent once: this request has it in several header fields.' },
      ]);
    }
    expect(await listed('two header fields')).toEqual([]);
    // Neither value, nor the two joined, was claimed: each is a first request.
    for (const one of [a, b, `${a}, ${b}`]) expect((await create(admin, one, { name: 'two header fields' }).expect(201)).headers).not.toHaveProperty('idempotent-replayed');
  });

  it('takes 1 and 255 characters, spaces inside', async () => {
    await create(admin, `${value().slice(0, 1)}`, { name: 'one character' }).expect(201);
    await create(admin, `${value()} with spaces`.padEnd(255, '~'), { name: 'long value' }).expect(201);
  });
});

describe('A reissued secret across restarts (embedded log)', () => {
  it('authenticates with the new secret after a restart, from the stored views and from the log alone, never taken for a newer version\'s event', async () => {
    const first = await startTestApp();
    try {
      const { key: admin } = await first.bootstrapKey('acme');
      const send = () => request(first.http).post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', 'across-restarts').send({ name: 'reissued' });
      const made = (await send().expect(201)).body;
      const again = (await send().expect(201)).body;
      expect(again.id).toBe(made.id);
      await first.close();
      for (const readModel of ['kept', 'deleted']) {
        // Deleted: the key table and the key views have only the log to catch up from, KeySecretReissued included.
        if (readModel === 'deleted') for (const suffix of ['', '-wal', '-shm']) rmSync(join(first.dataDir, `read-model.sqlite${suffix}`), { force: true });
        // Until it has caught up the key is unknown here (401): enough of those from one address would answer 429.
        const restarted = await startTestApp({ reuse: { dataDir: first.dataDir }, env: { AUTH_FAILURE_LIMIT: 100_000 } });
        try {
          await eventually(async () => {
            // 200: a key marked as changed by a newer version would be refused 503, one keeping its first hash 401.
            const shown = await request(restarted.http).get(`/v1/api-keys/${made.id}`).set(bearer(again.key));
            expect([readModel, shown.status]).toEqual([readModel, 200]);
            expect(shown.body).toMatchObject({ id: made.id, name: 'reissued', prefix: again.key.slice(0, 12), status: 'active' });
          }, 15_000, 50);
          await expectRefusedLikeRevoked(restarted, made.key);
          const listed = (await request(restarted.http).get('/v1/api-keys?limit=100').set(bearer(admin)).expect(200)).body.data;
          expect(listed.find((key: { id: string }) => key.id === made.id)).toMatchObject({ prefix: again.key.slice(0, 12) });
          const metrics = await request(restarted.http).get('/metrics').expect(200);
          expect(metrics.text).toMatch(/^parsesphere_keys_changed_by_newer_version 0$/m);
        } finally {
          await restarted.close();
        }
      }
    } finally {
      await first.destroy();
    }
  });
});
