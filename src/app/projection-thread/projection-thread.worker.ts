import { parentPort, workerData } from 'node:worker_threads';
import { AnomalyDetectionProjection, DETECTOR_SNAPSHOT_EVERY_MS } from '../../anomalies/detection/anomaly-detection.projection.js';
import { ProjectionRunner } from '../../shared/projections/projection-runner.js';
import { ViewProjection } from '../../shared/projections/view-projection.js';
import { runAtBackgroundPriority } from '../../shared/runtime/background-priority.js';
import { keyUsageProjection } from '../../usage/projection/key-usage-projection.js';
import { openDetectorSnapshotStore } from '../storage/open-detector-snapshot-store.js';
import { openEventStore } from '../storage/open-event-store.js';
import { openKeyUsageReadModel } from '../storage/open-key-usage-read-model.js';
import type { ProjectionThreadData, ProjectionThreadMessage } from './projection-thread-protocol.js';

// The projections that follow every use of every key (the usage view and the anomaly detector) run
// here, on connections of their own, so their catch-up never costs the thread that answers requests.
const STATUS_INTERVAL_MS = 25;

runAtBackgroundPriority();
const port = parentPort!;
const post = (message: ProjectionThreadMessage) => port.postMessage(message);
const data = workerData as ProjectionThreadData;

// Appends of the request thread wake this thread's subscriptions ('wake' below); the poll catches other processes.
const store = await openEventStore(data.store);
const usage = await openKeyUsageReadModel(data.readModel);
const options = {
  retryMinMs: 100,
  retryMaxMs: 5000,
  onLog: (level: 'warn' | 'error', message: string) => post({ kind: 'log', level, message }),
};
const runners = [
  new ProjectionRunner(store, new ViewProjection(keyUsageProjection, usage), options),
  new ProjectionRunner(
    store,
    new AnomalyDetectionProjection(store, data.thresholds, await openDetectorSnapshotStore(data.readModel), {
      snapshotEveryMs: DETECTOR_SNAPSHOT_EVERY_MS,
      now: Date.now,
      onSnapshotError: (error) => options.onLog('warn', `Detector snapshot not saved: ${error instanceof Error ? error.message : String(error)}`),
    }),
    options,
  ),
];

let reported = '';
const report = () => {
  const statuses = runners.map((runner) => runner.status());
  const serialized = JSON.stringify(statuses);
  if (serialized === reported) return;
  reported = serialized;
  post({ kind: 'status', statuses });
};
const timer = setInterval(report, STATUS_INTERVAL_MS);

port.on('message', (message: 'wake' | 'stop') => {
  if (message === 'wake') return store.wakeSubscriptions?.();
  clearInterval(timer);
  void Promise.all(runners.map((runner) => runner.stop()))
    .then(() => report())
    .then(() => Promise.all([usage.close(), store.close()]))
    .finally(() => port.close());
});

await Promise.all(runners.map((runner) => runner.start()));
report();
