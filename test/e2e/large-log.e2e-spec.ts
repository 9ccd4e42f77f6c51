import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { collectionOf } from '../../src/infrastructure/mongodb/mongo-read-model-generations.js';
import request from 'supertest';
import { childEnv } from '../support/child-env.js';
import { whenMongo } from '../support/mongodb-fixture.js';
import { seedEmbeddedLog } from '../support/seed-log.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestApp } from '../support/test-app.js';
import { eventually } from '../support/eventually.js';

const KEYS = 20_000;

async function withDb<T>(url: string, db: string, use: (db: Db) => Promise<T>): Promise<T> {
  const client = new MongoClient(url);
  try {
    return await use(client.db(db));
  } finally {
    await client.close();
  }
}

/** The generation pointer, read straight from MongoDB (absent before the first rebuild: generation 0 is live). */
const pointer = (url: string, db: string) =>
  withDb(url, db, async (views) => {
    const doc = await views.collection<{ _id: string; live?: number; building?: number | null }>('generations').findOne({ _id: 'read-models' });
    return { live: doc?.live ?? 0, building: doc?.building ?? null };
  });

/** What the views of a generation (the live one unless told) hold, read straight from MongoDB. */
async function mongoCounts(url: string, db: string, generation?: number) {
  const of = generation ?? (await pointer(url, db)).live;
  return withDb(url, db, async (views) => {
    const keys = views.collection(collectionOf('api_keys', of));
    return {
      keys: await keys.countDocuments(),
      revoked: await keys.countDocuments({ status: 'revoked' }),
      usage: await views.collection(collectionOf('key_usage', of)).countDocuments(),
    };
  });
}

/** What a replay wrote to stderr besides its progress lines ("… N events"): nothing, when it went well. */
const otherThanProgress = (stderr: string) => stderr.split('\n').filter((line) => line && !line.includes('events'));

const replayEnv = (dataDir: string, url: string, db: string) => childEnv({ DATA_DIR: dataDir, MONGODB_URL: url, MONGODB_DB: db });

/** Every view document of a generation, in _id order: what two rebuilds are compared by. */
async function viewDocuments(url: string, db: string, generation: number) {
  return withDb(url, db, async (views) => ({
    keys: await views.collection(collectionOf('api_keys', generation)).find({}).sort({ _id: 1 }).toArray(),
    usage: await views.collection(collectionOf('key_usage', generation)).find({}).sort({ _id: 1 }).toArray(),
  }));
}

/**
 * Starts `replay` saving after every page of the log and SIGKILLs it once its progress shows a second page
 * read: the first page's views and checkpoints were saved before the second page was read, so the kill always
 * lands after a save and long before the end (each later page costs FerretDB seconds).
 */
async function killReplayAfterSecondPage(env: Record<string, string | undefined>): Promise<number> {
  const child = spawn(process.execPath, ['dist/cli.js', 'replay'], { env: { ...env, REBUILD_SAVE_INTERVAL_MS: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let progress = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const killedAt = await new Promise<number>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      progress += chunk;
      const events = Number([...progress.matchAll(/ (\d+) events/g)].pop()?.[1] ?? 0);
      if (events >= 2 * 5000 && child.kill('SIGKILL')) resolve(events);
    });
    child.once('exit', () => reject(new Error(`replay ended before it was killed: ${progress.slice(-300)}`)));
  });
  expect(await exited).toBe('SIGKILL');
  return killedAt;
}

async function dropDatabase(url: string, db: string) {
  const client = new MongoClient(url);
  await client.db(db).dropDatabase();
  await client.close();
}

/** The MongoDB read model on a log of 20,000 keys (42,000 events): rebuilt by the CLI, and filled by a fresh instance. */
whenMongo('MongoDB on a large log', (url) =>
  describe(`MongoDB read model on a log of ${KEYS} keys`, () => {
    const dir = makeTempDir('large-log');
    let seeded: Awaited<ReturnType<typeof seedEmbeddedLog>>;
    beforeAll(async () => {
      seeded = await seedEmbeddedLog(dir.path, KEYS);
    }, 60_000);
    afterAll(() => dir.remove());

    // Once here, into an empty database: the next test rebuilds again over a live generation (its last `replay`).
    it('is rebuilt by `replay`', async () => {
      const db = `psk_rebuild_${randomUUID().slice(0, 8)}`;
      try {
        const replay = spawnSync(process.execPath, ['dist/cli.js', 'replay'], { encoding: 'utf8', env: replayEnv(dir.path, url, db), timeout: 120_000 });
        expect(otherThanProgress(replay.stderr)).toEqual([]);
        expect(replay.status).toBe(0);
        expect(replay.stdout).toContain(`from ${seeded.events} events`);
        expect(await mongoCounts(url, db)).toEqual({ keys: KEYS, revoked: seeded.revoked, usage: KEYS });
        expect(await pointer(url, db)).toEqual({ live: 1, building: null });
      } finally {
        await dropDatabase(url, db);
      }
    }, 300_000);

    it('resumes a rebuild killed with SIGKILL from its last save, and ends with the views of a full rebuild', async () => {
      const db = `psk_resume_${randomUUID().slice(0, 8)}`;
      const env = replayEnv(dir.path, url, db);
      try {
        await killReplayAfterSecondPage(env);
        expect(await pointer(url, db)).toEqual({ live: 0, building: 1 });

        const resumed = spawnSync(process.execPath, ['dist/cli.js', 'replay', '--json'], { encoding: 'utf8', env, timeout: 240_000 });
        expect(resumed.status).toBe(0);
        const result = JSON.parse(resumed.stdout) as { generation: number; resumed_after: number | null; events: number };
        expect(result.generation).toBe(1);
        // Resumed after the first page at least, so it read less than the whole log.
        expect(result.resumed_after).toBeGreaterThanOrEqual(5000);
        expect(result.events).toBeLessThan(seeded.events);
        expect(await pointer(url, db)).toEqual({ live: 1, building: null });
        expect(await mongoCounts(url, db)).toEqual({ keys: KEYS, revoked: seeded.revoked, usage: KEYS });

        // Read before the full rebuild, which deletes the generations it does not make live (no service runs).
        const afterResume = await viewDocuments(url, db, 1);
        const full = spawnSync(process.execPath, ['dist/cli.js', 'replay', '--json'], { encoding: 'utf8', env, timeout: 240_000 });
        expect(otherThanProgress(full.stderr)).toEqual([]);
        expect(full.status).toBe(0);
        expect(JSON.parse(full.stdout)).toMatchObject({ generation: 2, resumed_after: null, events: seeded.events });
        expect(afterResume).toEqual(await viewDocuments(url, db, 2));
      } finally {
        await dropDatabase(url, db);
      }
    }, 600_000);

    it('is filled by a fresh instance on an empty database, which serves meanwhile and reports its usage views lagging', async () => {
      const db = `psk_fill_${randomUUID().slice(0, 8)}`;
      const t = await startTestApp({ backend: 'mongodb', reuse: { dataDir: dir.path, mongoDb: db }, env: { READINESS_MAX_LAG_EVENTS: 1 } });
      try {
        const filling = await request(t.http).get('/health/ready').expect(200);
        const projection = (name: string) => filling.body.details.projections.projections.find((p: { name: string }) => p.name === name);
        // The usage views are statistics: reported lagging, never what makes an instance unready. The stored key
        // views serve no request (the key table, caught up before the instance listens, answers the key queries).
        expect(projection('key-usage')).toMatchObject({ role: 'statistics', status: 'lagging' });
        expect([projection('api-keys').status, projection('key-table').status]).toEqual(['up', 'up']);
        await eventually(async () => {
          const ready = await request(t.http).get('/health/ready').expect(200);
          expect(ready.body.details.projections.projections.every((p: { status: string }) => p.status === 'up')).toBe(true);
        }, 240_000, 500);
        await eventually(async () => expect(await mongoCounts(url, db)).toEqual({ keys: KEYS, revoked: seeded.revoked, usage: KEYS }), 240_000, 500);
      } finally {
        await t.close();
        await dropDatabase(url, db);
      }
    }, 300_000);
  }),
);
