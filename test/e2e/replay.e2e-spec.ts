import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { backends, startTestApp } from '../support/test-app.js';

function cli(args: string[], dataDir: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, DATA_DIR: dataDir, ...env } });
}

interface Listed {
  id: string;
  request_count: number;
  last_used_at: string | null;
}

describe('Rebuilding the read models from the log (CLI replay and history)', () => {
  it('gives the same API answers after `replay` as before it', async () => {
    const first = await startTestApp();
    const reader = await first.bootstrapKey('acme', 'reader');
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const created = await request(first.http).post('/v1/api-keys').set(bearer(reader.key)).send({ name }).expect(201);
      ids.push(created.body.id);
      for (let i = 0; i < 3; i++) await request(first.http).get('/v1/api-keys?limit=1').set(bearer(created.body.key)).expect(200);
    }
    await request(first.http).delete(`/v1/api-keys/${ids[1]}`).set(bearer(reader.key)).expect(200);
    await first.close();

    // Read everything once, with usage flushed at shutdown, before and after the rebuild.
    const snapshot = async (app: Awaited<ReturnType<typeof startTestApp>>) => ({
      list: (await request(app.http).get('/v1/api-keys').set(bearer(reader.key)).expect(200)).body,
      details: await Promise.all(ids.map(async (id) => (await request(app.http).get(`/v1/api-keys/${id}`).set(bearer(reader.key)).expect(200)).body)),
    });
    const before = await startTestApp({ reuse: { dataDir: first.dataDir } });
    const expected = await snapshot(before);
    await before.close();

    const run = cli(['replay'], first.dataDir);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Rebuilt read-model generation 1 from \d+ events in [\d.]+ s \(\d+ events\/s\); it is live\.\n$/);
    expect(run.stderr).toContain('100%');

    const after = await startTestApp({ reuse: { dataDir: first.dataDir } });
    try {
      const actual = await snapshot(after);
      const withoutReader = (body: { data: Listed[] }) => body.data.filter((k) => k.id !== reader.keyId);
      expect(withoutReader(actual.list)).toEqual(withoutReader(expected.list));
      expect(actual.details).toEqual(expected.details);
      expect(actual.details.map((d: { request_count: number }) => d.request_count)).toEqual([3, 3, 3]);
    } finally {
      await after.destroy();
    }
  });

  it.each(backends())('rebuilds beside a running service, which keeps serving until it restarts on the new generation (%s)', async (backend) => {
    const t = await startTestApp({ backend });
    const env: Record<string, string> = t.mongoDb ? { MONGODB_URL: process.env.MONGODB_URL!, MONGODB_DB: t.mongoDb } : {};
    const reader = await t.bootstrapKey('acme', 'reader');
    const ids = async (app: typeof t) => (await request(app.http).get('/v1/api-keys').set(bearer(reader.key)).expect(200)).body.data.map((key: Listed) => key.id);
    try {
      const before = await ids(t);
      const online = cli(['replay', '--json'], t.dataDir, env);
      expect(online.status).toBe(0);
      // Nothing deleted while a service runs: it may serve any generation.
      expect(JSON.parse(online.stdout)).toMatchObject({
        rebuilt: ['api-keys', 'key-usage', 'alerts'],
        generation: 1,
        previous: 0,
        resumed_after: null,
        running_services: 1,
        dropped: [],
      });
      // The service still serves generation 0, and follows the log into it.
      const during = await t.bootstrapKey('acme', 'during');
      await eventually(async () => expect(await ids(t)).toEqual([during.keyId, ...before]), 10_000, 50);

      await t.close();
      const restarted = await startTestApp({ backend, reuse: { dataDir: t.dataDir, mongoDb: t.mongoDb } });
      try {
        // Generation 1, caught up from where the replay left it: the key created after the replay is there.
        await eventually(async () => expect(await ids(restarted)).toEqual([during.keyId, ...before]), 10_000, 50);
      } finally {
        await restarted.close();
      }
      const offline = cli(['replay', '--json'], t.dataDir, env);
      expect(JSON.parse(offline.stdout)).toMatchObject({ generation: 2, previous: 1, running_services: 0, dropped: [0, 1] });
    } finally {
      await t.destroy();
    }
  });

  it('prints a key’s trail with `history`, and refuses an unknown key', async () => {
    const t = await startTestApp();
    const created = await t.bootstrapKey('acme', 'traced');
    await request(t.http).get('/v1/api-keys').set(bearer(created.key)).expect(200);
    await t.close();
    try {
      const run = cli(['history', created.keyId], t.dataDir);
      expect(run.status).toBe(0);
      const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
      expect(events.map((e) => e.type)).toEqual(['KeyCreated', 'KeyUsed']);
      expect(run.stdout).not.toContain(created.key.slice(12));
      const unknown = cli(['history', '550e8400-e29b-41d4-a716-446655440000'], t.dataDir);
      expect(unknown.status).toBe(3);
      expect(unknown.stderr).toContain('No such API key');
    } finally {
      await t.destroy();
    }
  });
});
