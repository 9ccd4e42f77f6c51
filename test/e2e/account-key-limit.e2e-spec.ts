import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { freezeClock } from '../support/keys.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';

const LIMIT = 3;

const limitReached = (extra = '') => ({
  error: {
    type: 'conflict_error',
    message:
      `This account has reached its limit of ${LIMIT} live API keys (MAX_KEYS_PER_ACCOUNT). Revoke keys it no longer uses to make room: ` +
      `revoked and expired keys do not count, disabled keys do.${extra}`,
  },
});

describe.each(backends())('MAX_KEYS_PER_ACCOUNT (%s read model)', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ backend, env: { MAX_KEYS_PER_ACCOUNT: LIMIT, POLL_INTERVAL_MS: 50 } });
  });
  afterAll(() => t.destroy());

  // Each test has an account of its own: the limit is per account.
  const admin = async (account: string) => (await t.bootstrapKey(account)).key;
  const create = (key: string, body: object = {}) => request(t.http).post('/v1/api-keys').set(bearer(key)).send(body);
  const roll = (key: string, id: string, body: object) => request(t.http).post(`/v1/api-keys/${id}/roll`).set(bearer(key)).send(body);
  const revoke = (key: string, id: string) => request(t.http).delete(`/v1/api-keys/${id}`).set(bearer(key)).expect(200);
  const keysOf = async (key: string) => (await request(t.http).get('/v1/api-keys?limit=100').set(bearer(key)).expect(200)).body.data as { id: string; status: string }[];

  it('creates keys up to the limit, refuses the next with 409 conflict_error naming the limit, and creates again once a key is revoked', async () => {
    const key = await admin('full');
    const first = (await create(key).expect(201)).body;
    await create(key).expect(201);
    const refused = await create(key, { name: 'one too many' }).expect(409);
    expect(refused.body).toEqual(limitReached());
    // A limit, not a rate: nothing to wait for.
    expect(refused.headers['retry-after']).toBeUndefined();
    expect((await keysOf(key)).map((listed) => listed.status)).toEqual(['active', 'active', 'active']);
    await revoke(key, first.id);
    await create(key).expect(201);
    await create(key).expect(409);
  });

  it('counts disabled keys, and frees the room of a key past its end, KeyExpired recorded or not', async () => {
    const key = await admin('ending');
    const clock = freezeClock(t, Date.now());
    try {
      const disabled = (await create(key).expect(201)).body;
      await request(t.http).post(`/v1/api-keys/${disabled.id}/disable`).set(bearer(key)).expect(200);
      await create(key, { expires_in_seconds: 60 }).expect(201);
      await create(key).expect(409);
      clock.set(Date.now() + 60_000);
      await create(key).expect(201);
      await create(key).expect(409);
    } finally {
      clock.restore();
    }
  });

  it('refuses a roll with grace at the limit, saying a roll without grace needs no room, and rolls without grace', async () => {
    const key = await admin('rolling');
    const rolled = (await create(key).expect(201)).body;
    await create(key).expect(201);
    const refused = await roll(key, rolled.id, { grace_seconds: 3600 }).expect(409);
    expect(refused.body).toEqual(limitReached(' A roll with grace_seconds 0 needs no room: the old key ends as its successor starts.'));
    const successor = (await roll(key, rolled.id, { grace_seconds: 0 }).expect(201)).body;
    expect(successor.rolled).toMatchObject({ id: rolled.id, status: 'expired' });
    const statuses = Object.fromEntries((await keysOf(key)).map((listed) => [listed.id, listed.status]));
    expect(statuses[rolled.id]).toBe('expired');
    expect(Object.values(statuses).filter((status) => status === 'active')).toHaveLength(LIMIT);
    // Below the limit, a roll with grace takes the room left: the old key and its successor both work until the grace ends.
    await revoke(key, successor.id);
    const other = (await keysOf(key)).find((listed) => listed.status === 'active' && listed.id !== successor.id)!;
    await roll(key, other.id, { grace_seconds: 3600 }).expect(201);
    await create(key).expect(409);
  });

  it('binds a creation or a roll with an Idempotency-Key the first time only: a repeat makes no key, and is answered at the limit', async () => {
    const key = await admin('repeats');
    const once = (path: string, value: string, body: object) => request(t.http).post(path).set(bearer(key)).set('Idempotency-Key', value).send(body);
    const active = async () => (await keysOf(key)).filter((listed) => listed.status === 'active').map((listed) => listed.id);
    const plain = (await create(key).expect(201)).body;
    const created = (await once('/v1/api-keys', 'create-1', { name: 'once' }).expect(201)).body;
    expect((await once('/v1/api-keys', 'create-2', { name: 'twice' }).expect(409)).body).toEqual(limitReached());
    const createdAgain = await once('/v1/api-keys', 'create-1', { name: 'once' }).expect(201);
    expect(createdAgain.headers['idempotent-replayed']).toBe('true');
    expect(createdAgain.body.id).toBe(created.id);
    expect(await active()).toHaveLength(LIMIT);
    // Room for one: the roll with grace takes it (the rolled key works beside its successor until the grace ends).
    await revoke(key, plain.id);
    const rolled = (await once(`/v1/api-keys/${created.id}/roll`, 'roll-1', { grace_seconds: 3600 }).expect(201)).body;
    const refused = await once(`/v1/api-keys/${rolled.id}/roll`, 'roll-2', { grace_seconds: 60 }).expect(409);
    expect(refused.body.error.message).toMatch(/^This account has reached its limit of 3 live API keys/);
    const rolledAgain = await once(`/v1/api-keys/${created.id}/roll`, 'roll-1', { grace_seconds: 3600 }).expect(201);
    expect(rolledAgain.headers['idempotent-replayed']).toBe('true');
    expect(rolledAgain.body.id).toBe(rolled.id);
    expect(await active()).toEqual(expect.arrayContaining([created.id, rolled.id]));
    expect(await active()).toHaveLength(LIMIT);
    await create(key).expect(409);
  });

  it('leaves other accounts their own room', async () => {
    const full = await admin('crowded');
    await create(full).expect(201);
    await create(full).expect(201);
    await create(full).expect(409);
    const neighbour = await admin('neighbour');
    await create(neighbour).expect(201);
  });

  it('lets no burst of concurrent creations on one instance past the limit, however slow the store', async () => {
    const key = await admin('burst');
    // Every creation's read of its stream waits: the whole burst is counted before the first key is appended.
    const store = t.app.get<EventStore>(EVENT_STORE);
    const read = store.readStream;
    store.readStream = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return read.apply(store, args);
    };
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, () => create(key)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    } finally {
      store.readStream = read;
    }
    expect(await keysOf(key)).toHaveLength(LIMIT);
  });

  if (backend === 'embedded') {
    it('does not bind the operator CLI: it gives a full account a key, and the API still refuses one until keys are revoked', async () => {
      const key = await admin('operated');
      await create(key).expect(201);
      await create(key).expect(201);
      await create(key).expect(409);
      const cli = spawnSync(process.execPath, ['dist/cli.js', 'create-key', '--account', 'operated', '--name', 'rescue'], {
        encoding: 'utf8',
        env: childEnv({ DATA_DIR: t.dataDir, MAX_KEYS_PER_ACCOUNT: String(LIMIT) }),
      });
      expect(cli.stderr).toBe('');
      expect(cli.status).toBe(0);
      const rescue = JSON.parse(cli.stdout);
      // The service follows the log: the operator's key counts once it is there, and the account is one over its limit.
      for (let waited = 0; (await keysOf(key)).length < LIMIT + 1 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await keysOf(key)).map((listed) => listed.id)).toContain(rescue.id);
      const [newest, second] = await keysOf(key);
      await revoke(key, newest.id);
      await create(key).expect(409);
      await revoke(key, second.id);
      await create(key).expect(201);
    });
  }
});
