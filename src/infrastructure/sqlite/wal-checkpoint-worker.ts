import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { runAtBackgroundPriority } from '../../shared/runtime/background-priority.js';
import { checkpointEvery } from './periodic-checkpoints.js';
import { BUSY_TIMEOUT_MS } from './shared-database.js';
import type { WalCheckpointWorkerData } from './wal-checkpointer.js';

// Copies each database's write-ahead log back into the database file (and flushes it to disk) on this
// thread, so the connections that serve requests never stall for a checkpoint.
runAtBackgroundPriority();
const { files, intervalMs } = workerData as WalCheckpointWorkerData;
const port = parentPort!;
// Only files that exist: the thread may start after a file was deleted (a replay drops the generation it
// opened at once), and opening the path would create it again, empty.
const databases = files.flatMap((file) => {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CANTOPEN') return [];
    throw error;
  }
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return [db];
});

const stop = checkpointEvery(databases, intervalMs, (message) => port.postMessage(message));

port.on('message', (message: 'close') => {
  if (message !== 'close') return;
  stop();
  for (const db of databases) db.close();
  port.close();
});
