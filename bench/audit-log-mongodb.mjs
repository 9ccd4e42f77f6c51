// The account's audit log (GET /v1/events) on a MongoDB server or FerretDB, as MongoAuditLogReadModel.list reads it,
// at N entries: 90% in one account, 10% in a second; 500 keys, 50 acting keys, nine kinds, one entry a minute. Fills the
// database once (inserts), then times each page RUNS times (p50/p95/min/max) and prints what `explain` says the server
// pushes down (FerretDB) or which plan it picked (MongoDB).
//   node scripts/build.mjs && MONGODB_URL=mongodb://127.0.0.1:27017/ node bench/audit-log-mongodb.mjs <database> <entries> [runs]
// CASES=<regexp> picks cases by label. Results: docs/benchmarks.md, "Session 55: the audit log on FerretDB 1.24".
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { MongoClient } from 'mongodb';
import { MongoAuditLogReadModel } from '../dist/infrastructure/mongodb/mongodb-audit-log-read-model.js';
import { MONGO_CLIENT_OPTIONS } from '../dist/infrastructure/mongodb/mongo-client-options.js';

const [dbName, nText, runsText = '7'] = process.argv.slice(2);
const n = Number(nText), runs = Number(runsText);
// SERVICE_TIMEOUTS=1: the service's own client options (its socket timeout), to see whether a page answers in time there.
// The fill and the setup always use a 15-minute socket timeout.
const client = new MongoClient(process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27017/', { ...MONGO_CLIENT_OPTIONS, socketTimeoutMS: 900000 });
await client.connect();
const db = client.db(dbName);
const rm = await MongoAuditLogReadModel.open(client, db, 0);
const TYPES = ['KeyCreated', 'KeyUpdated', 'KeyDisabled', 'KeyEnabled', 'KeyRolled', 'KeyRevoked', 'KeyExpired', 'KeySecretReissued', 'KeyLeakReported'];
const keys = Array.from({ length: 500 }, () => randomUUID());
const actors = keys.slice(0, 50);
const start = Date.parse('2026-11-01T00:00:00Z');
if ((await rm.views.estimatedDocumentCount()) === 0) {
  const t0 = performance.now();
  for (let done = 0; done < n; done += 5000) {
    const batch = [];
    for (let i = done; i < Math.min(n, done + 5000); i++) {
      const accountId = i % 10 === 9 ? 'other' : 'acme';
      const keyId = keys[i % keys.length];
      const type = TYPES[i % 23 === 0 ? 1 + (i % 8) : 1 + (i % 2)] ; // mostly KeyUpdated / KeyDisabled, each kind present
      const actorKeyId = i % 7 === 0 ? null : actors[i % actors.length];
      const occurredAt = new Date(start + i * 60_000).toISOString();
      const id = randomUUID();
      batch.push({ entryId: id, accountId, keyId, type, actorKeyId, occurredAt, position: i + 1, revision: 1,
        event: { id, type, stream: `api-key-${keyId}`, revision: 1, position: i + 1, recordedAt: occurredAt,
          data: { keyId, accountId, actingKeyId: actorKeyId, changes: { name: `name ${i}` }, padding: 'x'.repeat(600) },
          metadata: { requestId: randomUUID() } } });
    }
    await rm.insertNew(batch);
  }
  console.log(`inserted ${n} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const count = await rm.views.estimatedDocumentCount();
// Ids of the stored entries (a run on a database filled before draws new UUIDs above).
const sample = await rm.views.findOne({ accountId: 'acme', actorKeyId: { $type: 'string' } });
keys[1] = sample.keyId;
actors[1] = sample.actorKeyId;
const mid = new Date(start + Math.floor(count / 2) * 60_000).toISOString();
const midEnd = new Date(start + (Math.floor(count / 2) + 1440) * 60_000).toISOString();
const cases = {
  'newest page (no filter)': () => measured.list('acme', { limit: 21 }),
  'type=KeyRevoked (rare)': () => measured.list('acme', { limit: 21, type: 'KeyRevoked' }),
  'type=KeyUpdated (common)': () => measured.list('acme', { limit: 21, type: 'KeyUpdated' }),
  'key_id= (one key of 500)': () => measured.list('acme', { limit: 21, keyId: keys[1] }),
  'actor_key_id= (one of 50)': () => measured.list('acme', { limit: 21, actorKeyId: actors[1] }),
  'created_gte/lt (one day, mid)': () => measured.list('acme', { limit: 21, occurredGte: mid, occurredLt: midEnd }),
  'key_id= of another account': () => measured.list('other', { limit: 21, keyId: keys[1] }),
  'findById (by _id alone)': () => measured.findById('acme', randomUUID()),
};
let measured = rm;
if (process.env.SERVICE_TIMEOUTS === '1') {
  const serviceClient = new MongoClient(process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27017/', MONGO_CLIENT_OPTIONS);
  await serviceClient.connect();
  measured = await MongoAuditLogReadModel.open(serviceClient, serviceClient.db(dbName), 0);
}
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
console.log(`entries ${count}; ${runs} runs each; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const only = process.env.CASES ? new RegExp(process.env.CASES) : /./;
for (const [label, run] of Object.entries(cases).filter(([l]) => only.test(l))) {
  const ms = [];
  let found;
  let failed = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    try { found = await run(); } catch (error) { failed++; console.log(`  ${label}: ${error.message} after ${(performance.now() - t).toFixed(0)} ms`); }
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} p50 ${pct(ms, 50).toFixed(0).padStart(6)} ms  p95 ${pct(ms, 95).toFixed(0).padStart(6)}  min ${ms[0].toFixed(0)} max ${ms.at(-1).toFixed(0)}  found ${found?.views?.length ?? (found ? 1 : 0)}${failed ? `, ${failed} failed` : ''}`);
}
for (const [label, filter] of Object.entries({
  type: { accountId: 'acme', position: { $lt: Number.MAX_SAFE_INTEGER }, type: 'KeyRevoked' },
  keyId: { accountId: 'acme', position: { $lt: Number.MAX_SAFE_INTEGER }, keyId: keys[1] },
  typeOnly: { type: 'KeyRevoked' },
  id: { _id: 'x' },
})) {
  const e = await db.command({ explain: { find: rm.views.collectionName, filter, sort: { position: -1 }, limit: 21 } });
  console.log(`explain ${label}: filterPushdown ${e.filterPushdown}, sortPushdown ${e.sortPushdown}, limitPushdown ${e.limitPushdown}, plan ${JSON.stringify(e.queryPlanner?.Plan ?? e.queryPlanner?.winningPlan?.inputStage?.indexName ?? e.queryPlanner)}`);
}
await client.close();
if (measured !== rm) await measured.close();
