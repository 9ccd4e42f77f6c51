import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';

type Entry = { id: string; type: string; key_id: string; actor: { type: string; key_id: string | null; reason: string | null }; request_id: string | null; occurred_at: string; position: number; data: Record<string, unknown> };

describe.each(backends())("The account's audit log, GET /v1/events (%s read model)", (backend) => {
  let t: TestApp & { mongoDb?: string };
  let admin: { key: string; keyId: string };
  let globex: { key: string; keyId: string };
  let worker: { key: string; id: string };
  let successorId: string;

  const events = async (key: string, query = ''): Promise<{ data: Entry[]; has_more: boolean }> =>
    (await request(t.http).get(`/v1/events${query}`).set(bearer(key)).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp({ backend });
    admin = await t.bootstrapKey('acme');
    globex = await t.bootstrapKey('globex');
    // A key's whole life, made through the API by the admin key, then a change made by the key itself.
    worker = (await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).set('X-Request-Id', 'audit-create').send({ name: 'worker' }).expect(201)).body;
    await request(t.http).patch(`/v1/api-keys/${worker.id}`).set(bearer(admin.key)).send({ name: 'worker-2' }).expect(200);
    await request(t.http).post(`/v1/api-keys/${worker.id}/disable`).set(bearer(admin.key)).expect(200);
    await request(t.http).post(`/v1/api-keys/${worker.id}/enable`).set(bearer(admin.key)).expect(200);
    await request(t.http).patch(`/v1/api-keys/${worker.id}`).set(bearer(worker.key)).send({ name: 'renamed-by-itself' }).expect(200);
    successorId = (await request(t.http).post(`/v1/api-keys/${worker.id}/roll`).set(bearer(admin.key)).send({ grace_seconds: 3600 }).expect(201)).body.id;
    await request(t.http).delete(`/v1/api-keys/${successorId}`).set(bearer(admin.key)).expect(200);
    // No change waits for the audit log (it trails by the projection's lag): listed once it holds the last one.
    await eventually(async () => expect((await events(admin.key, '?limit=1')).data[0]).toMatchObject({ type: 'KeyRevoked', key_id: successorId }));
  });
  afterAll(() => t.destroy());

  it('lists every lifecycle change of the account newest first, each with its key, actor, request and what changed, no use, no secret', async () => {
    // Every change is listed. Uses (the worker's PATCH was one) are not.
    const { data, has_more } = await events(admin.key, '?limit=100');
    expect(has_more).toBe(false);
    expect(data.map((e) => [e.type, e.key_id])).toEqual([
      ['KeyRevoked', successorId],
      ['KeyRolled', worker.id],
      ['KeyCreated', successorId],
      ['KeyUpdated', worker.id],
      ['KeyEnabled', worker.id],
      ['KeyDisabled', worker.id],
      ['KeyUpdated', worker.id],
      ['KeyCreated', worker.id],
      ['KeyCreated', admin.keyId],
    ]);
    expect(data.map((e) => e.position)).toEqual([...data.map((e) => e.position)].sort((a, b) => b - a));
    const created = data[7];
    expect(created).toMatchObject({ actor: { type: 'api_key', key_id: admin.keyId, reason: null }, request_id: 'audit-create', data: { name: 'worker', accountId: 'acme' } });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(data[3]).toMatchObject({ actor: { type: 'api_key', key_id: worker.id }, data: { changes: { name: 'renamed-by-itself' } } });
    // The bootstrap key was made the way the operator CLI makes keys: no acting key.
    expect(data[8].actor).toEqual({ type: 'operator', key_id: null, reason: null });
    // What changed, as the key's history shows the same event.
    const history = (await request(t.http).get(`/v1/api-keys/${worker.id}/events?limit=100&order=log`).set(bearer(admin.key)).expect(200)).body.data;
    const updated = history.find((e: { type: string }) => e.type === 'KeyUpdated');
    expect(data[6]).toMatchObject({ occurred_at: updated.time, position: updated.position, request_id: updated.request_id, data: updated.data });
    const text = JSON.stringify(data);
    expect(text).not.toContain(worker.key.slice(12));
    expect(text).not.toMatch(/secretHash|[0-9a-f]{64}|KeyUsed/);
  });

  it('filters by kind, key, acting key and time, and pages with starting_after', async () => {
    expect((await events(admin.key, '?type=KeyCreated')).data.map((e) => e.key_id)).toEqual([successorId, worker.id, admin.keyId]);
    expect((await events(admin.key, `?key_id=${successorId.toUpperCase()}`)).data.map((e) => e.type)).toEqual(['KeyRevoked', 'KeyCreated']);
    expect((await events(admin.key, `?actor_key_id=${worker.id}`)).data.map((e) => e.type)).toEqual(['KeyUpdated']);
    const all = (await events(admin.key, '?limit=100')).data;
    const [from, to] = [all[5].occurred_at, all[3].occurred_at];
    const window = (await events(admin.key, `?created_gte=${from}&created_lt=${to}&limit=100`)).data;
    expect(window.map((e) => e.id)).toEqual(all.filter((e) => e.occurred_at >= from && e.occurred_at < to).map((e) => e.id));
    expect(window.map((e) => e.id)).toContain(all[5].id);
    expect(window.map((e) => e.id)).not.toContain(all[3].id);

    const paged: string[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(10);
      const page = await events(admin.key, `?limit=4${after ? `&starting_after=${after}` : ''}`);
      paged.push(...page.data.map((e) => e.id));
      if (!page.has_more) break;
      after = page.data.at(-1)!.id;
    }
    expect(paged).toEqual(all.map((e) => e.id));
  });

  it('shows another account nothing: its listing, and a key or actor of this account named in its filters, are empty; a cursor of this account is unknown', async () => {
    const theirs = (await events(globex.key, '?limit=100')).data;
    expect(theirs.map((e) => [e.type, e.key_id])).toEqual([['KeyCreated', globex.keyId]]);
    expect((await events(globex.key, `?key_id=${worker.id}`)).data).toEqual([]);
    expect((await events(globex.key, `?actor_key_id=${admin.keyId}`)).data).toEqual([]);
    const ours = (await events(admin.key)).data[0].id;
    const foreign = await request(t.http).get(`/v1/events?starting_after=${ours}`).set(bearer(globex.key)).expect(404);
    const unknown = await request(t.http).get(`/v1/events?starting_after=${randomUUID()}`).set(bearer(globex.key)).expect(404);
    expect(foreign.body).toEqual(unknown.body);
    expect(foreign.body.error).toMatchObject({ type: expect.any(String), message: 'starting_after: no such event in this account.' });
  });

  it('needs keys:read (403 without it, 401 without a key), and refuses malformed parameters with 400 through the one error mapping', async () => {
    const writer = (await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'no reads', permissions: ['keys:write'] }).expect(201)).body;
    const refused = await request(t.http).get('/v1/events').set(bearer(writer.key)).expect(403);
    expect(refused.body.error).toMatchObject({ type: expect.any(String), message: expect.stringContaining('keys:read') });
    const reader = (await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'reads', permissions: ['keys:read'] }).expect(201)).body;
    await eventually(async () => expect((await events(reader.key, '?type=KeyCreated&limit=1')).data[0].key_id).toBe(reader.id));
    await request(t.http).get('/v1/events').expect(401);
    for (const query of ['limit=0', 'limit=101', 'type=KeyUsed', 'key_id=nope', 'actor_key_id=1', 'starting_after=x', 'created_gte=yesterday', 'created_lt=2026-13-01T00:00:00Z', 'unknown=1']) {
      const res = await request(t.http).get(`/v1/events?${query}`).set(bearer(admin.key)).expect(400);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(res.body.error.message).toEqual(expect.any(String));
    }
  });
});

describe("the audit log and the CLI's replay", () => {
  it.each(backends())('is rebuilt by a replay to the same listing (%s read model)', async (backend) => {
    let t = await startTestApp({ backend });
    const admin = await t.bootstrapKey('acme');
    const key = (await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'replayed' }).expect(201)).body;
    await request(t.http).post(`/v1/api-keys/${key.id}/disable`).set(bearer(admin.key)).expect(200);
    await request(t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(admin.key)).expect(200);
    let before = { data: [] as Entry[] };
    await eventually(async () => {
      before = (await request(t.http).get('/v1/events?limit=100').set(bearer(admin.key)).expect(200)).body;
      expect(before.data).toHaveLength(4);
    });
    const { dataDir, mongoDb } = t;
    await t.close();
    const env = { DATA_DIR: dataDir, ...(mongoDb ? { MONGODB_URL: process.env.MONGODB_URL!, MONGODB_DB: mongoDb } : {}) };
    const replay = spawnSync(process.execPath, ['dist/cli.js', 'replay', '--json'], { encoding: 'utf8', env: childEnv(env) });
    expect(replay.status).toBe(0);
    expect(replay.stdout).toContain('audit-log');
    t = await startTestApp({ backend, reuse: { dataDir, mongoDb } });
    try {
      expect((await request(t.http).get('/v1/events?limit=100').set(bearer(admin.key)).expect(200)).body).toEqual(before);
    } finally {
      await t.destroy();
    }
  });
});
