import { parentPort, workerData } from 'node:worker_threads';
import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import { runAtBackgroundPriority } from '../../shared/runtime/background-priority.js';
import { openEventLog, prepareAppenders } from './event-log-database.js';
import { checkpointEvery } from './periodic-checkpoints.js';
import { type AppendReply, type AppendRequest, type AppendWorkerData, type AppendWorkerMessage, type PragmaRequest, unpackAppends } from './append-worker-protocol.js';
import { errorMessage } from '../../shared/runtime/error-message.js';

// A thread behind SqliteEventStore's appends, with its own connection to the log: one for the process-durability
// appends (usage batches, inserted and checkpointed at background priority), one for the flushed ones (key changes,
// whose disk flush, ~3 ms a commit, would otherwise stop the thread that serves requests, verify's included).
const { file, synchronous, checkpointIntervalMs, background } = workerData as AppendWorkerData;
if (background) runAtBackgroundPriority();
const db = openEventLog(file, synchronous);
const { appendMany } = prepareAppenders(db);
const port = parentPort!;

// On a timer rather than in the commit that finds the log past SQLite's default 1,000 pages: a usage event
// lands on a page of its own in the (stream, revision) index, so a batch of a few hundred uses made that a
// checkpoint, with its two disk flushes, every batch or two. A checkpoint a second writes each page once,
// however many batches changed it since the last one.
const stopCheckpoints =
  checkpointIntervalMs === null
    ? () => undefined
    : checkpointEvery([db], checkpointIntervalMs, (warning) => port.postMessage({ warning } satisfies AppendWorkerMessage));

port.on('message', (request: AppendRequest | PragmaRequest | 'close') => {
  if (request === 'close') {
    stopCheckpoints();
    db.close();
    port.close();
    return;
  }
  if ('pragma' in request) {
    db.pragma(request.pragma);
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
        : { id, failure: errorMessage(error), code: (error as { code?: string }).code };
  }
  port.postMessage(reply);
});
