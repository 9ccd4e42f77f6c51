// Heap cost of one cached key on the verify path, measured in a process of its own (node --expose-gc):
// the in-process key table (built by KeyTable.load, as at start-up) plus one rate-limiter state per key.
// The service's RSS delta per key (in run.mjs) is an upper bound that also holds SQLite's page caches and
// garbage not yet collected; this is the part that grows with the number of keys in the request thread.
// Usage: node --expose-gc bench/key-table-memory.mjs [keys]   → prints one JSON line.
import { createHash } from 'node:crypto';
import { KeyTable } from '../dist/keys/authentication/key-table.js';
import { applyToApiKeyView } from '../dist/keys/projection/api-key-view.js';
import { RateLimiter } from '../dist/shared/rate-limit/rate-limiter.js';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const count = Number(process.argv[2] ?? 10_000);

// Views as the key-view projection folds them from their creation, with strings of the stored lengths, made
// page by page inside the measurement and dropped after loading, as at start-up: what stays is what the table keeps.
const hashOf = (i) => createHash('sha256').update(`secret ${i}`).digest('hex');
const view = (i) =>
  applyToApiKeyView(undefined, {
    type: 'KeyCreated',
    schemaVersion: 2,
    position: i + 1,
    revision: 0,
    data: {
      // UUID-shaped and 36 characters like the real ids.
      keyId: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      accountId: `acct_${(i % 97).toString().padStart(8, '0')}`,
      name: `gateway key ${i}`,
      prefix: 'sk_Abc12345',
      secretHash: hashOf(i),
      rateLimit: { requests: 1000, perSeconds: 60 },
      createdAt: new Date().toISOString(),
      actingKeyId: null,
      permissions: ['*'],
      allowedIps: [],
      expiresAt: null,
      rolledFromKeyId: null,
    },
  });
const readModel = {
  getCheckpoint: async () => count,
  // Batches of 500, as the MongoDB adapter's load gives them (1aa8ec8).
  allViews: async function* () {
    for (let from = 0; from < count; from += 500) {
      const batch = [];
      for (let i = from; i < Math.min(count, from + 500); i++) batch.push(view(i));
      yield batch;
    }
  },
};

const heapUsed = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const before = heapUsed();
const table = new KeyTable(readModel);
// A runner loads the table when it starts: checkpoint() reads every key of the read model.
await table.checkpoint();
const limiter = new RateLimiter();
for (let i = 0; i < count; i++) {
  const known = table.lookup(hashOf(i));
  if (!known) throw new Error(`the table lost key ${i}`);
  limiter.consume(known.keyId, known.rateLimit);
}
// Held from a global: V8 may otherwise treat the module's consts as dead after their last use and collect them.
globalThis.measured = { table, limiter };
const after = heapUsed();
process.stdout.write(`${JSON.stringify({ keys: count, heapBytes: after - before, bytesPerKey: (after - before) / count })}\n`);
