import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { whenMongo } from '../support/mongodb-fixture.js';
import { seedEmbeddedLog } from '../support/seed-log.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestApp } from '../support/test-app.js';
import { eventually } from '../support/eventually.js';

const KEYS = 20_000;

/** What the views hold, read straight from MongoDB. */
async function mongoCounts(url: string, db: string) {
  const client = new MongoClient(url);
  try {
    const views = client.db(db);
    return {
      keys: await views.collection('api_keys').countDocuments(),
      revoked: await views.collection('api_keys').countDocuments({ status: 'revoked' }),
      usage: await views.collection('key_usage').countDocuments(),
    };
  } finally {
    await client.close();
  }
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

    it('is rebuilt by `replay`, every time', async () => {
      const db = `psk_rebuild_${randomUUID().slice(0, 8)}`;
      try {
        for (let run = 0; run < 2; run++) {
          const replay = spawnSync(process.execPath, ['dist/cli.js', 'replay'], {
            encoding: 'utf8',
            env: { PATH: process.env.PATH, DATA_DIR: dir.path, MONGODB_URL: url, MONGODB_DB: db },
            timeout: 120_000,
          });
          expect(replay.stderr.split('\n').filter((line) => line && !line.includes('events'))).toEqual([]);
          expect(replay.status).toBe(0);
          expect(replay.stdout).toContain(`from ${seeded.events} events`);
          expect(await mongoCounts(url, db)).toEqual({ keys: KEYS, revoked: seeded.revoked, usage: KEYS });
        }
      } finally {
        await dropDatabase(url, db);
      }
    }, 300_000);

    it('is filled by a fresh instance on an empty database, which is not ready until it has caught up', async () => {
      const db = `psk_fill_${randomUUID().slice(0, 8)}`;
      const t = await startTestApp({ backend: 'mongodb', reuse: { dataDir: dir.path, mongoDb: db }, env: { READINESS_MAX_LAG_EVENTS: 1 } });
      try {
        const filling = await request(t.http).get('/health/ready').expect(503);
        const views = filling.body.details.projections.projections.filter((p: { name: string }) => ['api-keys', 'key-usage'].includes(p.name));
        expect(views.map((p: { status: string }) => p.status)).toEqual(['lagging', 'lagging']);
        await eventually(async () => {
          const ready = await request(t.http).get('/health/ready');
          expect(ready.status).toBe(200);
        }, 240_000, 500);
        expect(await mongoCounts(url, db)).toEqual({ keys: KEYS, revoked: seeded.revoked, usage: KEYS });
      } finally {
        await t.close();
        await dropDatabase(url, db);
      }
    }, 300_000);
  }),
);
