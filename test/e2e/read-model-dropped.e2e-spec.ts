import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import type { Storage } from '../../src/app/storage/storage.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { GENERATION_SWITCH, type GenerationSwitch } from '../../src/shared/storage/generation-switch.js';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { whenMongo } from '../support/mongodb-fixture.js';
import { seedEmbeddedLog } from '../support/seed-log.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface ReportedProjection {
  name: string;
  status: string;
  lag_events: number;
  error?: string;
}

/** Keys seeded in the log: enough that filling the read model again takes the probes below more than one look. */
const SEEDED_KEYS = 2000;

const projectionsOf = (ready: request.Response): ReportedProjection[] => ready.body.details.projections.projections;
const usesOf = async (t: TestApp, admin: string, keyId: string): Promise<number> =>
  (await request(t.http).get(`/v1/api-keys/${keyId}`).set(bearer(admin)).expect(200)).body.request_count;
const authenticates = async (t: TestApp, key: string): Promise<number> => (await request(t.http).get('/v1/api-keys').set(bearer(key))).status;

const METRICS_TOKEN = 'dropped-test-metrics-token-0123456789';

async function allCaughtUp(t: TestApp): Promise<void> {
  await eventually(async () => {
    const ready = await request(t.http).get('/health/ready').expect(200);
    for (const projection of projectionsOf(ready)) expect(projection).toMatchObject({ status: 'up', lag_events: 0 });
  }, 120_000, 200);
}

whenMongo('Read-model database dropped e2e', () =>
  describe('The MongoDB read-model database dropped under a running service', () => {
    it('is filled again from the log, while running and after a restart: every key authenticates, usage is the log’s, readiness says so meanwhile', async () => {
      const dir = makeTempDir('read-model-dropped');
      const url = process.env.MONGODB_URL!;
      await seedEmbeddedLog(dir.path, SEEDED_KEYS);
      // Readiness gives the error texts only to the METRICS_TOKEN holder.
      const first = await startTestApp({ backend: 'mongodb', reuse: { dataDir: dir.path }, env: { METRICS_TOKEN } });
      let second: (TestApp & { mongoDb?: string }) | null = null;
      const client = new MongoClient(url);
      try {
        // Asked often below: a limit that polling never reaches.
        const { key: admin } = await first.bootstrapKey('acme', 'Bootstrap key', { requests: 100_000, perSeconds: 60 });
        const used = await request(first.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'used' }).expect(201);
        for (let i = 0; i < 5; i++) expect(await authenticates(first, used.body.key)).toBe(200);
        await allCaughtUp(first);
        await eventually(async () => expect(await usesOf(first, admin, used.body.id)).toBe(5), 10_000, 100);

        await client.db(first.mongoDb).dropDatabase();

        // Every key still authenticates (the key table is in memory), and keys can still be created and used.
        const after = await request(first.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'after' }).expect(201);
        for (let i = 0; i < 2; i++) expect(await authenticates(first, used.body.key)).toBe(200);
        expect(await authenticates(first, after.body.key)).toBe(200);

        // The next writes find the read model lost: it is filled again from the log, and readiness reports it.
        const reported: ReportedProjection[][] = [];
        const statuses: number[] = [];
        await eventually(async () => {
          const ready = await request(first.http).get('/health/ready').set('authorization', `Bearer ${METRICS_TOKEN}`);
          statuses.push(ready.status);
          reported.push(projectionsOf(ready));
          // Said with readiness's report when it fails: once in a clean-clone CI (session 55) the uses stayed at 2 of 7
          // for the whole 120 s, readiness up: the `used` view, not kept (a failed write before the drop forgets the kept
          // views), was looked up in the dropped database and started from the 2 uses (session 56, fixed in
          // MongoViewStore.getMany; mongodb-read-model-lost.contract-spec.ts forces it). Here the view is kept as a rule.
          const uses = await usesOf(first, admin, used.body.id);
          if (uses !== 7) throw new Error(`${uses} uses of 7; readiness ${ready.status}: ${JSON.stringify(projectionsOf(ready))}`);
          for (const projection of projectionsOf(ready)) expect(projection).toMatchObject({ status: 'up', lag_events: 0 });
        }, 120_000, 50);
        // Ready all along: every key authenticated as the log says; the views being filled are reported, with why.
        expect(statuses.filter((status) => status !== 200)).toEqual([]);
        const usageViews = reported.map((projections) => projections.find((projection) => projection.name === 'key-usage')!);
        expect(usageViews.filter(({ error }) => /read model of key-usage was lost/.test(error ?? '')).length).toBeGreaterThan(0);
        // Not 'up' until filled again: while it was, what it counted was not the log's.
        expect(usageViews.filter(({ status, error }) => error !== undefined && status === 'up')).toEqual([]);
        // The stored key views hold every key of the log again (they are what the next start loads).
        await eventually(async () => expect(await client.db(first.mongoDb).collection('api_keys').countDocuments()).toBe(SEEDED_KEYS + 3), 60_000, 200);

        await first.close();
        second = await startTestApp({ backend: 'mongodb', reuse: { dataDir: dir.path, mongoDb: first.mongoDb } });
        // Usage as the log has it, every key known: those made before the drop and after it.
        expect(await usesOf(second, admin, used.body.id)).toBe(7);
        expect(await authenticates(second, used.body.key)).toBe(200);
        expect(await authenticates(second, after.body.key)).toBe(200);
        const listed = await request(second.http).get('/v1/api-keys?limit=100').set(bearer(admin)).expect(200);
        expect(listed.body.data.map((key: { name: string }) => key.name).sort()).toEqual(['Bootstrap key', 'after', 'used']);
        await allCaughtUp(second);
      } finally {
        await client.close();
        await second?.close();
        await first.destroy();
        dir.remove();
      }
    }, 300_000);

    it('heals a read model an earlier version damaged (a checkpoint at the head over no key views) with `replay`, without a restart', async () => {
      const url = process.env.MONGODB_URL!;
      const first = await startTestApp({ backend: 'mongodb' });
      let second: (TestApp & { mongoDb?: string }) | null = null;
      const client = new MongoClient(url);
      try {
        const { key: admin } = await first.bootstrapKey('acme');
        const head = await first.app.get<EventStore>(EVENT_STORE).headPosition();
        await first.close();
        // What a save used to leave after the database was dropped under a running service: a checkpoint, no views.
        const db = client.db(first.mongoDb);
        await db.dropDatabase();
        await db.collection<{ _id: string; position: number }>('checkpoints').insertOne({ _id: 'api-keys', position: head! });

        second = await startTestApp({ backend: 'mongodb', reuse: { dataDir: first.dataDir, mongoDb: first.mongoDb }, env: { GENERATION_CHECK_INTERVAL_MS: 100 } });
        // Nothing at start tells this checkpoint from a true one: the key table trusts it and knows no key.
        expect(await authenticates(second, admin)).toBe(401);
        const replay = spawnSync(process.execPath, ['dist/cli.js', 'replay', '--json'], {
          encoding: 'utf8',
          env: childEnv({ DATA_DIR: first.dataDir, MONGODB_URL: url, MONGODB_DB: first.mongoDb! }),
        });
        expect(replay.status).toBe(0);
        // The running service moves to the rebuilt generation and loads its key views into the key table.
        await eventually(() => expect(second!.app.get<GenerationSwitch<Storage>>(GENERATION_SWITCH).generation).toBe(1), 20_000, 50);
        // Asked seldom: each 401 spends the failed-authentication budget of the address.
        await eventually(async () => expect(await authenticates(second!, admin)).toBe(200), 10_000, 1000);
        await allCaughtUp(second);
      } finally {
        await client.close();
        await second?.close();
        await first.destroy();
      }
    }, 120_000);
  }),
);

describe('The embedded read model deleted under a running service', () => {
  it('is filled again from the log at the next start (views and checkpoint are one transaction of one file)', async () => {
    const first = await startTestApp();
    let second: TestApp | null = null;
    try {
      const { key: admin } = await first.bootstrapKey('acme');
      const used = await request(first.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'used' }).expect(201);
      for (let i = 0; i < 3; i++) expect(await authenticates(first, used.body.key)).toBe(200);
      await allCaughtUp(first);
      for (const name of readdirSync(first.dataDir).filter((file) => file.startsWith('read-model'))) rmSync(join(first.dataDir, name));
      // The service goes on with the files it has open; what it writes now goes with them.
      const after = await request(first.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'after' }).expect(201);
      expect(await authenticates(first, used.body.key)).toBe(200);
      await allCaughtUp(first);
      await first.close();

      second = await startTestApp({ reuse: { dataDir: first.dataDir } });
      await eventually(async () => expect(await usesOf(second!, admin, used.body.id)).toBe(4), 30_000, 100);
      expect(await authenticates(second, used.body.key)).toBe(200);
      expect(await authenticates(second, after.body.key)).toBe(200);
      await allCaughtUp(second);
    } finally {
      await second?.close();
      await first.destroy();
    }
  }, 120_000);
});
