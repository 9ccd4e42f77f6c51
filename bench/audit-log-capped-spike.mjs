// A measured dead end, kept so it is not tried again blind: the audit log's entries (as bench/audit-log-mongodb.mjs
// filled them) copied in position order into a capped collection, whose record id FerretDB 1.24 can sort by in SQL
// ($natural: -1, sortPushdown true), each page read newest first by it with the filter left to FerretDB.
//   MONGODB_URL=mongodb://127.0.0.1:<port>/ node bench/audit-log-capped-spike.mjs <database filled by audit-log-mongodb.mjs> [runs]
// Results: docs/benchmarks.md, "Session 55: the audit log on FerretDB 1.24" (no faster: not adopted).
import { MongoClient } from 'mongodb';
import { loadavg } from 'node:os';
const client = new MongoClient(process.env.MONGODB_URL, { socketTimeoutMS: 900000 });
await client.connect();
const db = client.db(process.argv[2]);
const runs = Number(process.argv[3] ?? 3);
const src = db.collection('audit_log');
const names = (await db.listCollections().toArray()).map((c) => c.name);
if (!names.includes('audit_log_capped')) {
  await db.createCollection('audit_log_capped', { capped: true, size: 2 ** 50 });
  const t0 = performance.now();
  const all = await src.find({}).sort({ position: 1 }).toArray();
  for (let i = 0; i < all.length; i += 5000) await db.collection('audit_log_capped').insertMany(all.slice(i, i + 5000));
  console.log(`copied ${all.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const c = db.collection('audit_log_capped');
const sample = await c.findOne({ accountId: 'acme', actorKeyId: { $type: 'string' } });
const count = await c.estimatedDocumentCount();
const start = Date.parse('2026-11-01T00:00:00Z');
const mid = new Date(start + Math.floor(count / 2) * 60_000).toISOString();
const midEnd = new Date(start + (Math.floor(count / 2) + 1440) * 60_000).toISOString();
const base = { accountId: 'acme', position: { $lt: Number.MAX_SAFE_INTEGER } };
const cases = {
  'newest page (no filter)': { ...base },
  'type=KeyRevoked (rare)': { ...base, type: 'KeyRevoked' },
  'type=KeyUpdated (common)': { ...base, type: 'KeyUpdated' },
  'key_id= (one key of 500)': { ...base, keyId: sample.keyId },
  'actor_key_id= (one of 50)': { ...base, actorKeyId: sample.actorKeyId },
  'created_gte/lt (one day, mid)': { ...base, occurredAt: { $gte: mid, $lt: midEnd } },
  'key_id= of another account': { ...base, accountId: 'other', keyId: sample.keyId },
};
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
console.log(`capped entries ${count}; ${runs} runs each; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const [label, filter] of Object.entries(cases)) {
  const ms = []; let found;
  for (let r = 0; r < runs; r++) { const t = performance.now(); found = await c.find(filter).sort({ $natural: -1 }).limit(21).toArray(); ms.push(performance.now() - t); }
  ms.sort((a, b) => a - b);
  const inOrder = found.every((d, i) => i === 0 || found[i - 1].position > d.position);
  console.log(`${label.padEnd(34)} p50 ${pct(ms, 50).toFixed(0).padStart(6)} ms  min ${ms[0].toFixed(0)} max ${ms.at(-1).toFixed(0)}  found ${found.length} newest-first ${inOrder}`);
}
const e = await db.command({ explain: { find: 'audit_log_capped', filter: cases['type=KeyRevoked (rare)'], sort: { $natural: -1 }, limit: 21 } });
console.log(`explain: filterPushdown ${e.filterPushdown}, sortPushdown ${e.sortPushdown}, limitPushdown ${e.limitPushdown}, plan ${JSON.stringify(e.queryPlanner?.Plan)}`);
await client.close();
