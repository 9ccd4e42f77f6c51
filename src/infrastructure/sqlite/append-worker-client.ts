import { Worker } from 'node:worker_threads';
import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import type { AppendResult, StreamAppend } from '../../shared/event-store/event-store.port.js';
import { type AppendReply, type AppendRequest, type AppendWorkerData, type AppendWorkerMessage, packAppends, type PragmaRequest } from './append-worker-protocol.js';

import { builtModuleUrl } from '../../shared/runtime/built-module-url.js';
import { finishWorker } from '../../shared/runtime/finish-worker.js';

interface Pending {
  resolve(results: AppendResult[]): void;
  reject(error: Error): void;
}

/** Sends batches of appends to the append worker thread; started on first use, restarted after a crash. */
export class AppendWorkerClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(
    private readonly file: string,
    private readonly options: Omit<AppendWorkerData, 'file'> & { onWarning(message: string): void },
  ) {}

  append(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Referenced only while appends are in flight: an idle thread must not keep the process alive.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, appends: packAppends(appends) } satisfies AppendRequest);
    });
  }

  /** Runs a pragma on the worker's connection before any append sent after it (tests: a full or read-only disk). */
  pragma(pragma: string): void {
    (this.worker ?? this.start()).postMessage({ pragma } satisfies PragmaRequest);
  }

  /** Waits for the appends already sent, then closes the worker's connection. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    await finishWorker(worker, 'close');
  }

  private start(): Worker {
    const { synchronous, checkpointIntervalMs, background } = this.options;
    const workerData: AppendWorkerData = { file: this.file, synchronous, checkpointIntervalMs, background };
    const worker = new Worker(builtModuleUrl('infrastructure/sqlite/append-worker.js'), { workerData });
    worker.on('message', (message: AppendWorkerMessage) => ('warning' in message ? this.options.onWarning(message.warning) : this.settle(message)));
    worker.on('error', (error) => this.abandon(worker, error));
    worker.on('exit', (code) => this.abandon(worker, new Error(`The append worker exited (code ${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(reply: AppendReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('results' in reply) pending.resolve(reply.results);
    else if ('conflict' in reply) pending.reject(new ConcurrencyError(reply.conflict.streamId, reply.conflict.expected, reply.conflict.actual));
    else pending.reject(Object.assign(new Error(reply.failure), reply.code === undefined ? {} : { code: reply.code }));
  }

  private abandon(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = null;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
