import { parentPort, workerData } from 'node:worker_threads';
import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import { runAtBackgroundPriority } from '../../shared/runtime/background-priority.js';
import { openEventLog, prepareAppenders } from './event-log-database.js';
import { type AppendReply, type AppendRequest, type AppendWorkerData, unpackAppends } from './append-worker-protocol.js';

// The thread behind SqliteEventStore's process-durability appends: its own connection to the log, so
// large usage batches are inserted and checkpointed off the thread that serves requests.
runAtBackgroundPriority();
const { file } = workerData as AppendWorkerData;
const db = openEventLog(file, 'NORMAL');
const { appendMany } = prepareAppenders(db);
const port = parentPort!;

port.on('message', (request: AppendRequest | 'close') => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  const { id, appends } = request;
  let reply: AppendReply;
  try {
    reply = { id, results: appendMany(unpackAppends(appends)) };
  } catch (error) {
    reply =
      error instanceof ConcurrencyError
        ? { id, conflict: { streamId: error.streamId, expected: error.expected, actual: error.actual } }
        : { id, failure: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
