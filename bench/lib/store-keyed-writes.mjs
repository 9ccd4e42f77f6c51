// The MongoDB server's own speed at the write a revocation makes to its key view: findOneAndUpdate filtered on
// `_id` alone, on the benchmark's key-view collection as the service left it, `inFlight` at a time, straight
// from the driver. What "revocation at the speed of the store" is measured against.
import { MongoClient } from 'mongodb';
import { closedLoopOf, percentile } from './common.mjs';

export async function storeKeyedWrites(url, dbName, ids, inFlight, limitSeconds) {
  // A write unanswered after 30 s is counted as failed: at 100,000 views FerretDB 1.24 can take minutes.
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, socketTimeoutMS: 30_000, maxPoolSize: inFlight });
  try {
    const db = client.db(dbName);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => /^api_keys(_g\d+)?$/.test(n));
    const counts = await Promise.all(names.map(async (name) => [name, await db.collection(name).estimatedDocumentCount()]));
    const [collectionName, documents] = counts.sort((a, b) => b[1] - a[1])[0] ?? [];
    if (!collectionName) throw new Error(`no api_keys collection in ${dbName}`);
    const views = db.collection(collectionName);
    const errors = {};
    // The keys are revoked already: setting the status again changes nothing but costs what a revocation's write costs.
    const write = (i) => views.findOneAndUpdate({ _id: ids[i] }, { $set: { status: 'revoked' } }, { returnDocument: 'before' });
    const countError = (error) => {
      // FerretDB 1.24 answers some concurrent writes with SQLITE_BUSY ("database is locked"): counted, not retried.
      const kind = String(error.message).split('] ').pop().slice(0, 80);
      errors[kind] = (errors[kind] ?? 0) + 1;
    };
    const { latencies, seconds } = await closedLoopOf(ids.length, inFlight, limitSeconds, write, { onError: countError });
    return { collection: collectionName, documents, writes: latencies.length, errors, perSecond: latencies.length / seconds, seconds, latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) } };
  } finally {
    await client.close();
  }
}
