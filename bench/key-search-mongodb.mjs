// The stored key views' search and listing on a MongoDB server or FerretDB, as the CLI's `list` reads them
// (MongoApiKeyReadModel.list), at N views: 95% in one account, 5% in a second. Fills the database once (inserts),
// then times each case RUNS times (p50/p95/min/max) and prints what `explain` says FerretDB pushes down to SQL.
//   node scripts/build.mjs && MONGODB_URL=mongodb://127.0.0.1:27017/ node bench/key-search-mongodb.mjs <database> <views> [runs] [measure]
// CASES=<regexp> picks cases by label. The socket timeout is 15 minutes (the service's is 5 s): FerretDB 1.24 takes
// minutes at 100,000 views. Results: docs/benchmarks.md, "Session 53".
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { MongoApiKeyReadModel } from '../dist/infrastructure/mongodb/mongodb-api-key-read-model.js';
import { MONGO_CLIENT_OPTIONS } from '../dist/infrastructure/mongodb/mongo-client-options.js';

const [dbName, nText, runsText = '7', mode = 'both'] = process.argv.slice(2);
const n = Number(nText), runs = Number(runsText);
const client = new MongoClient(process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27017/', { ...MONGO_CLIENT_OPTIONS, socketTimeoutMS: 900000 });
await client.connect();
const db = client.db(dbName);
const rm = await MongoApiKeyReadModel.open(client, db, 0);
const words = ['prod', 'staging', 'dev', 'ci', 'backup', 'Ünïcode', 'analytics', 'billing'];
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rnd = (k) => Array.from({ length: k }, () => alnum[Math.floor(Math.random() * alnum.length)]).join('');
if (mode !== 'measure' && (await rm.views.estimatedDocumentCount()) === 0) {
  let pos = 1; const t0 = performance.now();
  for (let done = 0; done < n; done += 5000) {
    const batch = [];
    for (let i = done; i < Math.min(n, done + 5000); i++) {
      const id = randomUUID();
      const account = i % 20 === 19 ? 'other' : 'acme'; // 95% in one account, 5% in a second
      batch.push({ id, accountId: account, name: `${words[i % words.length]} ${i}`, prefix: `sk_${rnd(9)}`, secretHash: `hash-${id}`,
        status: 'active', rateLimit: { requests: 100, perSeconds: 60 }, createdAt: '2026-01-01T00:00:00.000Z', revokedAt: null,
        permissions: ['*'], allowedIps: [], expiresAt: null, disabled: false, expiredAt: null, endsAt: null, rolledFromKeyId: null,
        rotation: null, createdPosition: pos++, revision: 0, unreadableSince: null });
    }
    await rm.insertNew(batch);
  }
  console.log(`inserted ${n} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const count = await rm.views.estimatedDocumentCount();
const lastPrefix = (await rm.views.find({ accountId: 'acme', createdPosition: { $gte: Math.floor(count / 2) } }).limit(1).toArray())[0]?.prefix;
const cases = {
  'list limit 20 (no search)': () => rm.list('acme', { limit: 20 }),
  'name_prefix=prod (1/8 match)': () => rm.list('acme', { limit: 20, namePrefix: 'prod' }),
  'name_prefix=prod 12345 (none or 1)': () => rm.list('acme', { limit: 20, namePrefix: 'prod 12345' }),
  'name_prefix=zzz (no match)': () => rm.list('acme', { limit: 20, namePrefix: 'zzz' }),
  'prefix= (one key)': () => rm.list('acme', { limit: 20, prefix: lastPrefix }),
  'name_prefix=ci, account other': () => rm.list('other', { limit: 20, namePrefix: 'ci' }),
  'findOne {_id} absent (pushdown)': () => rm.views.findOne({ _id: 'absent-' + randomUUID() }),
};
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
console.log(`views ${count}; ${runs} runs each; load ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const only = process.env.CASES ? new RegExp(process.env.CASES) : /./;
for (const [label, run] of Object.entries(cases).filter(([l]) => only.test(l))) {
  const ms = [];
  let found;
  for (let r = 0; r < runs; r++) { const t = performance.now(); found = await run(); ms.push(performance.now() - t); }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(38)} p50 ${pct(ms, 50).toFixed(0).padStart(6)} ms  p95 ${pct(ms, 95).toFixed(0).padStart(6)}  min ${ms[0].toFixed(0)} max ${ms.at(-1).toFixed(0)}  found ${found?.views?.length ?? (found ? 1 : 0)}`);
}
for (const [label, filter] of Object.entries({
  name: { accountId: 'acme', nameFolded: { $gte: 'prod', $lt: 'proe' } },
  prefixEq: { accountId: 'acme', prefix: lastPrefix },
  fieldEqOnly: { nameFolded: 'prod 8' },
  id: { _id: 'x' },
})) {
  const e = await db.command({ explain: { find: rm.views.collectionName, filter } });
  console.log(`explain ${label}: filterPushdown ${e.filterPushdown}, plan ${JSON.stringify(e.queryPlanner?.Plan ?? e.queryPlanner)}`);
}
await client.close();
