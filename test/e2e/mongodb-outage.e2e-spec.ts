import { MongoClient } from 'mongodb';
import request from 'supertest';
import { API_KEY_EVENT_TYPES } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { describeWithFerretDb, startFerretDb } from '../support/ferretdb.js';
import { parseExposition } from '../support/prometheus-text.js';
import { seedEmbeddedLog } from '../support/seed-log.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestApp } from '../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithFerretDb('MongoDB outage e2e', 'MongoDB read model outage (FerretDB stopped and restarted)', () => {
  it('fails fast with 503, loses no event, and catches up by itself when the server is back', async () => {
    const ferret = await startFerretDb();
    const t = await startTestApp({
      backend: 'mongodb',
      env: { MONGODB_URL: ferret.url, READ_YOUR_WRITES_TIMEOUT_MS: 1000 },
    });
    try {
      const admin = await t.bootstrapKey('acme');
      const before = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'before' }).expect(201);
      await request(t.http).get('/health/ready').expect(200);

      await ferret.stop();

      // A read of the store fails fast; the listing reads none (the key table and the usage summary table).
      const started = Date.now();
      const shown = await request(t.http).get(`/v1/api-keys/${before.body.id}`).set(bearer(admin.key));
      expect(shown.status).toBe(503);
      expect(shown.body.error.type).toBe('service_unavailable_error');
      expect(Date.now() - started).toBeLessThan(3500);
      const listing = await request(t.http).get('/v1/api-keys').set(bearer(admin.key)).expect(200);
      expect(listing.body.data.map((key: { id: string }) => key.id)).toContain(before.body.id);

      // The dashboard's sign-in (whoami) answers too: its usage as the log has it, marked catching up (it answered 503,
      // so the dashboard, whose listing falls back to the keys without charts, could not sign in during the outage).
      const own = await request(t.http).get('/v1/whoami').set(bearer(admin.key)).expect(200);
      expect(own.headers['parsesphere-read-models']).toBe('catching-up');
      expect(own.body.id).toBe(admin.keyId);
      expect(own.body.permissions).toEqual(['*']);
      expect(own.body.usage.accepted).toBeGreaterThan(0);
      expect(own.body.usage.requests_per_hour).toHaveLength(24);

      // Ready all the same: what requests read comes from memory, and the store is every instance's.
      const ready = await request(t.http).get('/health/ready').expect(200);
      expect(ready.body.details.read_model).toMatchObject({ status: 'degraded', reachable: false });

      // Authentication answers from memory, and the log is not MongoDB: keys can still be created and used.
      const during = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'during' }).expect(201);
      await request(t.http).get('/health').set(bearer(during.body.key)).expect(200);
      // A revocation is in force at once, and answered from memory: it waits for no store but the log.
      const revoked = await request(t.http).delete(`/v1/api-keys/${before.body.id}`).set(bearer(admin.key)).expect(200);
      expect(revoked.headers['parsesphere-read-models']).toBeUndefined();
      expect(revoked.body.status).toBe('revoked');
      await request(t.http).get('/v1/alerts').set(bearer(before.body.key)).expect(401);

      // Every kind of request during the outage: 503 or a success, never a 500.
      const statuses = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const auth = bearer(admin.key);
          if (i % 4 === 0) return request(t.http).get('/v1/api-keys').set(auth);
          if (i % 4 === 1) return request(t.http).get(`/v1/api-keys/${during.body.id}`).set(auth);
          if (i % 4 === 2) return request(t.http).get('/v1/alerts').set(auth);
          return request(t.http).post('/v1/api-keys').set(auth).send({ name: `during ${i}` });
        }),
      );
      expect(statuses.filter((res) => res.status >= 500 && res.status !== 503)).toEqual([]);
      expect(new Set(statuses.map((res) => res.status))).toEqual(new Set([200, 201, 503]));

      const store = t.app.get<EventStore>(EVENT_STORE);
      const logged = await store.readAll({ after: null, maxCount: 1000, types: API_KEY_EVENT_TYPES });
      expect(logged.map((e) => e.data.keyId)).toContain(during.body.id);

      await ferret.restart();

      await eventually(async () => {
        await request(t.http).get('/health/ready').expect(200);
      }, 30_000, 250);
      // Ready means reachable and subscribed; the projection may still be applying what it missed.
      const loggedIds = logged.filter((e) => e.type === 'KeyCreated').map((e) => e.data.keyId as string).sort();
      await eventually(async () => {
        const after = await request(t.http).get('/v1/api-keys').set(bearer(during.body.key)).expect(200);
        expect(after.body.data.map((k: { id: string }) => k.id).sort()).toEqual(loggedIds);
        expect(after.body.data.find((k: { id: string }) => k.id === during.body.id).name).toBe('during');
      }, 15_000, 100);
    } finally {
      await t.destroy();
      await ferret.dispose();
    }
  }, 90_000);

  it('stays ready when FerretDB comes back after an outage under light traffic, and reports the usage views down all through the outage', async () => {
    const ferret = await startFerretDb();
    // Readiness gives the error texts only to the METRICS_TOKEN holder.
    const METRICS_TOKEN = 'outage-test-metrics-token-0123456789';
    const t = await startTestApp({ backend: 'mongodb', env: { MONGODB_URL: ferret.url, METRICS_TOKEN } });
    let traffic = true;
    try {
      const admin = await t.bootstrapKey('acme');
      // Light traffic: a use every 100 ms, so the usage views have something to write all along.
      const uses = (async () => {
        while (traffic) {
          await request(t.http).get('/v1/api-keys').set(bearer(admin.key));
          await sleep(100);
        }
      })();
      type Reported = { name: string; status: string; error?: string };
      const probe = async () => {
        const res = await request(t.http).get('/health/ready').set('authorization', `Bearer ${METRICS_TOKEN}`);
        const projections: Reported[] = res.body.details?.projections?.projections ?? [];
        return { status: res.status, reachable: res.body.details?.read_model?.reachable, projections, body: JSON.stringify(res.body) };
      };
      const scrape = async () => parseExposition((await request(t.http).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text);
      await eventually(async () => expect((await probe()).projections.find((p) => p.name === 'key-usage')?.status).toBe('up'), 20_000, 200);
      expect((await scrape()).get('parsesphere_projection_up{projection="key-usage"}')).toBe(1);

      await ferret.kill();
      // Long enough for the usage views' retry delay to reach its 5 s cap.
      const during: Awaited<ReturnType<typeof probe>>[] = [];
      for (const until = Date.now() + 12_000; Date.now() < until; await sleep(250)) during.push(await probe());
      expect(during.filter((answer) => answer.status !== 200).map((answer) => answer.body)).toEqual([]);
      // Once it has failed (within a few seconds), the usage views are reported down with why, not up now and then.
      const usageViews = during.slice(-10).map((answer) => answer.projections.find((p) => p.name === 'key-usage'));
      expect(usageViews.filter((view) => view?.status !== 'down' || !view.error)).toEqual([]);
      // No projection is reported up with an error.
      expect(during.flatMap((answer) => answer.projections).filter((p) => p.status === 'up' && p.error)).toEqual([]);
      // /metrics says so too (the metrics audit: it showed a projection stopped on a paused FerretDB at lag 0, nothing else).
      expect((await scrape()).get('parsesphere_projection_up{projection="key-usage"}')).toBe(0);

      await ferret.restart();
      // Ready all the while the store comes back (the usage views used to hold readiness out their retry delay).
      const after: Awaited<ReturnType<typeof probe>>[] = [];
      for (const until = Date.now() + 8_000; Date.now() < until; await sleep(100)) after.push(await probe());
      expect(after.some((answer) => answer.reachable === true)).toBe(true);
      expect(after.filter((answer) => answer.status !== 200).map((answer) => answer.body)).toEqual([]);
      await eventually(async () => expect((await probe()).projections.find((p) => p.name === 'key-usage')?.status).toBe('up'), 20_000, 200);
      expect((await scrape()).get('parsesphere_projection_up{projection="key-usage"}')).toBe(1);
      traffic = false;
      await uses;
    } finally {
      traffic = false;
      await t.destroy();
      await ferret.dispose();
    }
  }, 120_000);

  it('finishes filling an empty read model when FerretDB is killed (-9) mid-way and started again, ready all the while', async () => {
    const ferret = await startFerretDb();
    const dir = makeTempDir('killed-catch-up');
    const seeded = await seedEmbeddedLog(dir.path, 10_000);
    const t = await startTestApp({
      backend: 'mongodb',
      reuse: { dataDir: dir.path },
      env: { MONGODB_URL: ferret.url, READINESS_MAX_LAG_EVENTS: 1 },
    });
    try {
      const statuses: number[] = [];
      const usageViews: string[] = [];
      const reachable: boolean[] = [];
      let lastAnswer = '';
      const probe = async () => {
        const res = await request(t.http).get('/health/ready');
        statuses.push(res.status);
        usageViews.push(res.body.details?.projections?.projections?.find((p: { name: string }) => p.name === 'key-usage')?.status ?? 'none');
        lastAnswer = JSON.stringify(res.body.details);
        reachable.push(res.body.details?.read_model?.reachable);
      };
      await probe();
      await ferret.kill();
      for (let i = 0; i < 5; i++) await probe();
      await ferret.restart();
      await eventually(async () => {
        await probe();
        // The whole answer on failure: which part stayed down, and the error it reports.
        if (statuses.at(-1) !== 200 || usageViews.at(-1) !== 'up') throw new Error(`not ready: ${lastAnswer}`);
      }, 240_000, 250);
      // Ready while the usage views (statistics) fill, reported lagging, and while the read-model store is down
      // (reported unreachable: the key table, what requests read, needs none); never a 500.
      expect([statuses[0], usageViews[0]]).toEqual([200, 'lagging']);
      expect(statuses.slice(1, 6)).toEqual([200, 200, 200, 200, 200]);
      expect(reachable.slice(1, 6)).toEqual([false, false, false, false, false]);
      expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);

      // Counted in the database itself: a listing sorts the whole collection on FerretDB, slow on a busy machine.
      const client = new MongoClient(ferret.url);
      try {
        expect(await client.db(t.mongoDb).collection('key_usage').countDocuments()).toBe(seeded.keyIds.length);
        // The stored key views serve no request (the key table does): filled on, after the instance is ready.
        const keys = client.db(t.mongoDb).collection('api_keys');
        await eventually(async () => {
          expect(await keys.countDocuments()).toBe(seeded.keyIds.length);
          expect(await keys.countDocuments({ status: 'revoked' })).toBe(seeded.revoked);
        }, 240_000, 500);
      } finally {
        await client.close();
      }
    } finally {
      await t.destroy();
      await ferret.dispose();
      dir.remove();
    }
  }, 300_000);
});
