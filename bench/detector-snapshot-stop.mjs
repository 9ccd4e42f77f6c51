// The anomaly detector's stop on a large log, in a process of its own: folds a copy of an embedded log (seeded by
// bench/lib/seed-log.mjs) into the detector as the projection thread does, then closes it, which saves the snapshot
// into a fresh read-model file; `restore` then times a start from that snapshot. Run it under a heap limit to find
// what the stop needs: node --expose-gc --max-old-space-size=<MiB> bench/detector-snapshot-stop.mjs <events.sqlite> <work dir> [save|restore] [dist dir]
// → one JSON line (exit 134 with V8's "heap out of memory" when the limit is too small).
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [log, work, mode = 'save', dist = new URL('../dist', import.meta.url).pathname] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(resolve(dist), path)).href);
const { SqliteEventStore } = await load('infrastructure/sqlite/sqlite-event-store.js');
const { SqliteDetectorSnapshotStore } = await load('infrastructure/sqlite/sqlite-detector-snapshot-store.js');
const { AnomalyDetectionProjection } = await load('anomalies/detection/anomaly-detection.projection.js');
const { DEFAULT_ANOMALY_THRESHOLDS } = await load('anomalies/domain/anomaly-thresholds.js');

mkdirSync(work, { recursive: true });
const events = join(work, 'events.sqlite');
if (mode === 'save') copyFileSync(log, events);
const store = new SqliteEventStore(events);
const snapshots = new SqliteDetectorSnapshotStore(join(work, 'read-model.sqlite'));
const detector = new AnomalyDetectionProjection(store, DEFAULT_ANOMALY_THRESHOLDS, snapshots, { snapshotEveryMs: Number.MAX_SAFE_INTEGER, now: Date.now });
const heapMB = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return +(process.memoryUsage().heapUsed / 1e6).toFixed(1);
};
const result = { mode, heapLimitMB: +(((await import('node:v8')).getHeapStatistics().heap_size_limit) / 1048576).toFixed(0) };
let started = performance.now();
let position = await detector.checkpoint();
result.restoreMs = Math.round(performance.now() - started);
result.restoredAt = position;
started = performance.now();
for (;;) {
  const batch = await store.readAll({ after: position, maxCount: 5000, types: detector.eventTypes });
  if (batch.length === 0) break;
  await detector.handle(batch);
  position = batch.at(-1).position;
}
result.foldMs = Math.round(performance.now() - started);
result.position = position;
result.stateHeapMB = heapMB();
console.error(`folded: ${JSON.stringify(result)}`);
if (mode === 'save') {
  started = performance.now();
  await detector.close();
  result.closeMs = Math.round(performance.now() - started);
}
await snapshots.close();
await store.close();
const file = join(work, 'read-model.sqlite');
if (existsSync(file)) result.readModelMB = +(statSync(file).size / 1e6).toFixed(1);
console.log(JSON.stringify(result));
