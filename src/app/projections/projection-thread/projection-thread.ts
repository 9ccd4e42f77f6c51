import { Worker } from 'node:worker_threads';
import type { Environment } from '../../../shared/config/environment.js';
import type { ProjectionContext, ProjectionDeclaration, ProjectionLog } from '../../../shared/projections/projection-declaration.js';
import { builtModuleUrl } from '../../../shared/runtime/built-module-url.js';
import { finishWorker } from '../../../shared/runtime/finish-worker.js';
import type { ProjectionThreadData, ProjectionThreadMessage, ProjectionThreadRequest } from './projection-thread-protocol.js';
import { ThreadProjection } from './thread-projection.js';
import { EVENT_LOG_DAMAGE_REPORTED } from '../../storage/event-log-damage.js';
import { threadErrorMessage } from '../../../shared/runtime/thread-error.js';

const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;

/**
 * Runs the projections declared `runsOn: 'projection-thread'` on a worker thread (projection-thread.worker.ts,
 * which builds them from the same catalog) and mirrors their progress here, for readiness and
 * read-your-writes. A thread that dies is started again with capped backoff; its projections resume
 * idempotently from their checkpoints.
 */
export class ProjectionThread {
  /** This thread's mirror of each projection the worker runs, in declaration order. */
  readonly projections: readonly ThreadProjection[];
  private readonly byName: Map<string, ThreadProjection>;
  private worker: Worker | null = null;
  private stopping = false;
  private restartDelay = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  /** The projections whose stop has ended, at the thread's stop under way. */
  private readonly stopped = new Set<string>();

  constructor(
    declarations: readonly Pick<ProjectionDeclaration, 'name' | 'eventTypes'>[],
    private readonly config: Environment,
    /** The read-model generation the request thread serves: the thread writes the same one (moveTo follows a switch). */
    private generation: number,
    private readonly log: ProjectionLog,
    /** Receives what the thread's projections publish (ProjectionContext.publish), in order. */
    private readonly onPublished: ProjectionContext<unknown>['publish'] = () => undefined,
  ) {
    this.projections = declarations.map(({ name, eventTypes }) => new ThreadProjection({ name, eventTypes }, () => this.wake()));
    this.byName = new Map(this.projections.map((projection) => [projection.projection.name, projection]));
  }

  /** Resolves once the thread runs its projections, or has failed to start (it is then retried in the background). */
  async start(): Promise<void> {
    this.stopping = false;
    if (this.projections.length === 0) return;
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

  /**
   * The log has grown through this thread's connection by events of `types` (of any type when not said): the
   * projection thread's subscriptions that read them read it now rather than at their next poll.
   */
  wake(types?: Iterable<string>): void {
    this.worker?.postMessage({ wake: types === undefined ? null : [...types] } satisfies ProjectionThreadRequest);
  }

  /** The projections of the thread waiting out a retry delay retry now (a store answers again). */
  retryNow(): void {
    this.worker?.postMessage('retry' satisfies ProjectionThreadRequest);
  }

  /**
   * Moves the projections to another read-model generation: the worker stops (its projections save and close),
   * and a new one opens that generation and goes on from its checkpoints. Those waiting for a position keep
   * waiting.
   */
  async moveTo(generation: number): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.worker) await finishWorker(this.worker, 'stop');
    this.generation = generation;
    await this.start();
  }

  /**
   * Stops the thread's projections and waits for the thread to exit, `withinMs` at most: true once it has. One
   * still writing to a store that does not answer is left to end with the process (never terminated: see
   * finishWorker); its projections go on from their checkpoints at the next start.
   */
  async stop(withinMs = Infinity): Promise<boolean> {
    this.stopping = true;
    this.stopped.clear();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const exited = this.worker ? await finishWorker(this.worker, 'stop', withinMs) : true;
    for (const projection of this.projections) projection.stopped();
    return exited;
  }

  /** After a stop that did not end in time: the projections the thread had not told stopped, in declaration order. */
  stillStopping(): string[] {
    return this.projections.map(({ projection }) => projection.name).filter((name) => !this.stopped.has(name));
  }

  private spawn(): Worker {
    const data: ProjectionThreadData = { config: this.config, generation: this.generation, eventLogDamageReported: EVENT_LOG_DAMAGE_REPORTED };
    const worker = new Worker(builtModuleUrl('app/projections/projection-thread/projection-thread.worker.js'), { workerData: data });
    this.worker = worker;
    // The HTTP server keeps the process alive; this thread must not keep it alive on its own.
    worker.unref();
    worker.on('message', (message: ProjectionThreadMessage) => {
      if (message.kind === 'log') return this.log(message.level, message.message);
      if (message.kind === 'published') return this.onPublished(message.projection, message.payload);
      if (message.kind === 'stopped') return void this.stopped.add(message.projection);
      for (const status of message.statuses) this.byName.get(status.name)?.report(status);
      if (message.statuses.every((status) => status.running)) this.restartDelay = RESTART_MIN_MS;
    });
    worker.on('error', (error) => this.log('error', `Projection thread failed: ${threadErrorMessage(error)}`));
    worker.on('exit', () => {
      this.worker = null;
      for (const projection of this.projections) projection.report({ ...projection.status(), running: false });
      if (this.stopping) return;
      this.log('error', `Projection thread exited; starting it again in ${this.restartDelay} ms`);
      this.restartTimer = setTimeout(() => this.spawn(), this.restartDelay);
      this.restartTimer.unref();
      this.restartDelay = Math.min(this.restartDelay * 2, RESTART_MAX_MS);
    });
    return worker;
  }
}
