import { Worker } from 'node:worker_threads';
import { ANOMALY_DETECTOR, DETECTOR_INPUT_TYPES } from '../../anomalies/detection/anomaly-detection.projection.js';
import { builtModuleUrl } from '../../shared/runtime/built-module-url.js';
import { finishWorker } from '../../shared/runtime/finish-worker.js';
import { keyUsageProjection } from '../../usage/projection/key-usage-projection.js';
import type { ProjectionThreadData, ProjectionThreadMessage } from './projection-thread-protocol.js';
import { ThreadProjection } from './thread-projection.js';

const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;

type Log = (level: 'warn' | 'error', message: string) => void;

/**
 * Runs the usage view and the anomaly detector on a worker thread (projection-thread.worker.ts) and
 * mirrors their progress here, for readiness and read-your-writes. A thread that dies is started again
 * with capped backoff; both projections resume idempotently (the view by its checkpoint, the detector
 * from its snapshot, with the store refusing findings already recorded).
 */
export class ProjectionThread {
  readonly usage = new ThreadProjection({ name: keyUsageProjection.name, eventTypes: keyUsageProjection.eventTypes });
  readonly detector = new ThreadProjection({ name: ANOMALY_DETECTOR, eventTypes: DETECTOR_INPUT_TYPES });
  private worker: Worker | null = null;
  private stopping = false;
  private restartDelay = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly data: ProjectionThreadData,
    private readonly log: Log,
  ) {}

  hosts(name: string): boolean {
    return name === this.usage.projection.name || name === this.detector.projection.name;
  }

  /** Resolves once the thread runs its projections, or has failed to start (it is then retried in the background). */
  async start(): Promise<void> {
    this.stopping = false;
    const worker = this.spawn();
    await new Promise<void>((resolve) => {
      const settle = () => {
        worker.off('message', onMessage);
        resolve();
      };
      const onMessage = (message: ProjectionThreadMessage) => {
        if (message.kind === 'status' && message.statuses.every((status) => status.running)) settle();
      };
      worker.on('message', onMessage);
      worker.once('exit', settle);
    });
  }

  /** The log has grown through this thread's connection: the projection thread reads it now rather than at its next poll. */
  wake(): void {
    this.worker?.postMessage('wake');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.worker) await finishWorker(this.worker, 'stop');
    this.usage.stopped();
    this.detector.stopped();
  }

  private spawn(): Worker {
    const worker = new Worker(builtModuleUrl('app/projection-thread/projection-thread.worker.js'), { workerData: this.data });
    this.worker = worker;
    // The HTTP server keeps the process alive; this thread must not keep it alive on its own.
    worker.unref();
    worker.on('message', (message: ProjectionThreadMessage) => {
      if (message.kind === 'log') return this.log(message.level, message.message);
      for (const status of message.statuses) (status.name === this.usage.projection.name ? this.usage : this.detector).report(status);
      if (message.statuses.every((status) => status.running)) this.restartDelay = RESTART_MIN_MS;
    });
    worker.on('error', (error) => this.log('error', `Projection thread failed: ${error.message}`));
    worker.on('exit', () => {
      this.worker = null;
      for (const projection of [this.usage, this.detector]) projection.report({ ...projection.status(), running: false });
      if (this.stopping) return;
      this.log('error', `Projection thread exited; starting it again in ${this.restartDelay} ms`);
      this.restartTimer = setTimeout(() => this.spawn(), this.restartDelay);
      this.restartTimer.unref();
      this.restartDelay = Math.min(this.restartDelay * 2, RESTART_MAX_MS);
    });
    return worker;
  }
}
