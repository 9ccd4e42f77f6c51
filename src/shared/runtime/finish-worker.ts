import type { Worker } from 'node:worker_threads';
import { finishedWithin } from './finished-within.js';

/**
 * Sends a worker the message that makes it finish its work and exit, and waits until it has, or for `withinMs` at
 * most (true once it has exited). Never terminate() one that may be inside a better-sqlite3 call: that aborts the
 * whole process. The worker is referenced meanwhile, or the process could end while waiting for it and skip the
 * rest of its shutdown; one still running at the deadline is unreferenced again and ends with the process.
 */
export async function finishWorker(worker: Worker, message: unknown, withinMs = Infinity): Promise<boolean> {
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.ref();
  worker.postMessage(message);
  if (withinMs === Infinity) {
    await exited;
    return true;
  }
  const finished = await finishedWithin(exited, withinMs);
  if (!finished) worker.unref();
  return finished;
}
