import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { openReadModelStorage, type Storage } from '../../src/app/storage/storage.js';
import { GENERATION_SWITCH, type GenerationSwitch } from '../../src/shared/storage/generation-switch.js';
import { backends, startTestApp } from '../support/test-app.js';

function cli(args: string[], dataDir: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dataDir, ...env }) });
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

  it.each(backends())('rebuilds beside a running service, which moves to the new generation by itself (%s)', async (backend) => {
    const t = await startTestApp({ backend, env: { GENERATION_CHECK_INTERVAL_MS: 100 } });
    const env: Record<string, string> = t.mongoDb ? { MONGODB_URL: process.env.MONGODB_URL!, MONGODB_DB: t.mongoDb } : {};
    const reader = await t.bootstrapKey('acme', 'reader');
    const ids = async (app: typeof t) => (await request(app.http).get('/v1/api-keys').set(bearer(reader.key)).expect(200)).body.data.map((key: Listed) => key.id);
    /** Whether a generation's key views hold a key, read straight from that generation's storage. */
    const holds = async (generation: number, keyId: string) => {
      const storage = await openReadModelStorage(
        { DATA_DIR: t.dataDir, MONGODB_URL: env.MONGODB_URL, MONGODB_DB: env.MONGODB_DB ?? 'unused' },
        { walCheckpoints: false, onWarning: () => undefined, generation },
      );
      try {
        return (await (await storage.apiKeyReadModel()).getMany([keyId])).has(keyId);
      } finally {
        await storage.close();
      }
    };
    try {
      const before = await ids(t);
      const online = cli(['replay', '--json'], t.dataDir, env);
      expect(online.status).toBe(0);
      // Nothing deleted while a service runs: it may still serve any generation.
      expect(JSON.parse(online.stdout)).toMatchObject({
        rebuilt: ['api-keys', 'audit-log', 'key-usage', 'alerts'],
        generation: 1,
        previous: 0,
        resumed_after: null,
        running_services: 1,
        dropped: [],
      });
      // A key created around the switch is in generation 1 either way: written there, or caught up from the
      // checkpoint the replay left.
      const during = await t.bootstrapKey('acme', 'during');
      // Ready throughout the move: the key table, paused meanwhile, serves what it holds (every instance moves
      // within the same interval, so a pause reported down made the whole fleet unready together).
      const readiness: number[] = [];
      const notReady: unknown[] = [];
      while (t.app.get<GenerationSwitch<Storage>>(GENERATION_SWITCH).generation !== 1 && readiness.length < 5000) {
        const ready = await request(t.http).get('/health/ready');
        readiness.push(ready.status);
        if (ready.status !== 200) notReady.push(ready.body);
      }
      expect(notReady).toEqual([]);
      await eventually(async () => expect(await holds(1, during.keyId)).toBe(true), 10_000, 50);

      // Once moved, the service writes generation 1 only, and serves it: no restart.
      const after = await t.bootstrapKey('acme', 'after');
      await eventually(async () => expect(await ids(t)).toEqual([after.keyId, during.keyId, ...before]), 10_000, 50);
      // The stored key views are background (no request waits for them): in generation 1 soon, never in 0. Read at once,
      // they failed 2 runs of 2 on FerretDB once a change also waited for the audit log (held 50 ms later).
      await eventually(async () => expect(await holds(1, after.keyId)).toBe(true), 10_000, 50);
      expect(await holds(0, after.keyId)).toBe(false);

      await t.close();
      const offline = cli(['replay', '--json'], t.dataDir, env);
      expect(JSON.parse(offline.stdout)).toMatchObject({ generation: 2, previous: 1, running_services: 0, dropped: [0, 1] });
      // Gone for good: no file of a dropped generation comes back, not even empty.
      if (!t.mongoDb) expect(readdirSync(t.dataDir).filter((name) => name.startsWith('read-model'))).toEqual(['read-model.g2.sqlite', 'read-model.sqlite']);
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
