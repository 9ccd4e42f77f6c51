import { Worker } from 'node:worker_threads';
import { builtModuleUrl } from '../../shared/runtime/built-module-url.js';
import { finishWorker } from '../../shared/runtime/finish-worker.js';

export interface WalCheckpointWorkerData {
  files: string[];
  intervalMs: number;
}

/**
 * Checkpoints SQLite databases from a worker thread every interval. The connections of this process
 * leave checkpoints to it (see openReadModelDatabase): SQLite otherwise runs one, with its disk flush,
 * inside whichever commit finds the log grown past its limit, and that commit's request waits for it.
 */
export class WalCheckpointer {
  private readonly worker: Worker;

  constructor(files: string[], onFailure: (message: string) => void, intervalMs = 1000) {
    this.worker = new Worker(builtModuleUrl('infrastructure/sqlite/wal-checkpoint-worker.js'), {
      workerData: { files, intervalMs } satisfies WalCheckpointWorkerData,
    });
    this.worker.on('message', onFailure);
    this.worker.on('error', (error) => onFailure(`checkpoint worker failed: ${error.message}`));
    this.worker.unref();
  }

  async close(): Promise<void> {
    await finishWorker(this.worker, 'close');
  }
}
