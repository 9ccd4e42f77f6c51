import type { Worker } from 'node:worker_threads';

/**
 * Sends a worker the message that makes it finish its work and exit, and waits until it has. Never
 * terminate() one that may be inside a better-sqlite3 call: that aborts the whole process. The worker is
 * referenced meanwhile, or the process could end while waiting for it and skip the rest of its shutdown.
 */
export async function finishWorker(worker: Worker, message: unknown): Promise<void> {
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.ref();
  worker.postMessage(message);
  await exited;
}
