import { Worker } from 'node:worker_threads';
import { finishWorker } from './finish-worker.js';

/** A worker that exits on 'close' after `closeMs`, as one whose last write is in flight. */
function workerClosingIn(closeMs: number): Worker {
  const code = `const { parentPort } = require('node:worker_threads');
    const alive = setInterval(() => undefined, 1000);
    parentPort.on('message', () => setTimeout(() => { clearInterval(alive); parentPort.close(); }, ${closeMs}));`;
  return new Worker(code, { eval: true });
}

describe('finishWorker', () => {
  it('waits until the worker has exited', async () => {
    const worker = workerClosingIn(50);
    let exited = false;
    worker.once('exit', () => (exited = true));
    expect(await finishWorker(worker, 'close', 5000)).toBe(true);
    expect(exited).toBe(true);
  });

  it('stops waiting at its deadline for a worker that does not exit (a store that does not answer)', async () => {
    const worker = workerClosingIn(60_000);
    try {
      const started = performance.now();
      expect(await finishWorker(worker, 'close', 200)).toBe(false);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await worker.terminate();
    }
  });
});
