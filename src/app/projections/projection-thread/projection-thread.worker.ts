import { parentPort, workerData } from 'node:worker_threads';
import type { ProjectionLog } from '../../../shared/projections/projection-declaration.js';
import { ProjectionRunner } from '../../../shared/projections/projection-runner.js';
import { runAtBackgroundPriority } from '../../../shared/runtime/background-priority.js';
import { openEventStore, openReadModelStorage } from '../../storage/storage.js';
import { reportedOnce } from '../../storage/event-log-damage.js';
import { nothingProvided, openProjections, RUNNER_RETRY } from '../open-projections.js';
import { KNOWN_EVENT_TYPES, PROJECTIONS } from '../projection-catalog.js';
import type { ProjectionThreadData, ProjectionThreadMessage, ProjectionThreadRequest } from './projection-thread-protocol.js';

// The projections that follow every use of every key run here, on stores of their own, so their
// catch-up never costs the thread that answers requests. They are built from the same catalog as
// the request thread's, by the same code.
const STATUS_INTERVAL_MS = 25;

runAtBackgroundPriority();
const port = parentPort!;
const post = (message: ProjectionThreadMessage) => port.postMessage(message);
const { config, generation, eventLogDamageReported } = workerData as ProjectionThreadData;
const log: ProjectionLog = (level, message) => post({ kind: 'log', level, message });

// Appends of the request thread wake this thread's subscriptions to their types ('wake' below); the poll catches other processes.
const store = await openEventStore(config, {
  onWarning: (message) => log('warn', message),
  onError: reportedOnce(eventLogDamageReported, (message) => log('error', message)),
  logReaders: 'checked',
  // Its appends (the detector's alerts) hold up no request here: no worker thread of their own.
  flushedAppendsOnThisThread: true,
});
// The request thread's storage checkpoints the read-model file's WAL for the whole process.
const storage = await openReadModelStorage(config, {
  walCheckpoints: false,
  onWarning: (message) => log('warn', message),
  onError: (message) => log('error', message),
  generation,
});
const declarations = PROJECTIONS.filter((declaration) => declaration.runsOn === 'projection-thread');
const publish = (projection: string, payload: unknown) => post({ kind: 'published', projection, payload });
const opened = await openProjections(declarations, { store, storage, config, log, provided: nothingProvided('on the projection thread'), publish });
if (opened.length !== declarations.length) {
  // The request thread mirrors every declared one and would wait for it: none may be turned off here.
  throw new Error('A projection declared to run on the projection thread was turned off by configuration');
}
const runners = opened.map(({ projection }) => new ProjectionRunner(store, projection, { ...RUNNER_RETRY, saveEveryMs: config.REBUILD_SAVE_INTERVAL_MS, onLog: log, knownEventTypes: KNOWN_EVENT_TYPES }));

let reported = '';
const report = () => {
  const statuses = runners.map((runner) => runner.status());
  const serialized = JSON.stringify(statuses);
  if (serialized === reported) return;
  reported = serialized;
  post({ kind: 'status', statuses });
};
const timer = setInterval(report, STATUS_INTERVAL_MS);

port.on('message', (message: ProjectionThreadRequest) => {
  if (message === 'retry') return void Promise.all(runners.map((runner) => runner.retryNow()));
  if (message !== 'stop') return store.wakeSubscriptions?.(message.wake ?? undefined);
  clearInterval(timer);
  // Each one told as its stop ends: a stop of the thread that runs long can name what was still stopping.
  void Promise.all(runners.map((runner) => runner.stop().then(() => post({ kind: 'stopped', projection: runner.projection.name }))))
    .then(() => report())
    .then(() => Promise.all([storage.close(), store.close()]))
    .finally(() => port.close());
});

await Promise.all(runners.map((runner) => runner.start()));
report();
