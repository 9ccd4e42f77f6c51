import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Environment } from '../../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import type { ProjectionContext, ProjectionDeclaration, ProjectionLog } from '../../shared/projections/projection-declaration.js';
import { ProjectionProgress } from '../../shared/projections/projection-progress.js';
import { ProjectionRunner, type ProjectionStatus } from '../../shared/projections/projection-runner.js';
import { GENERATION_SWITCH, type GenerationSwitch } from '../../shared/storage/generation-switch.js';
import { READ_MODEL_STORAGE } from '../../shared/storage/read-model-storage.port.js';
import type { Storage } from '../storage/storage.js';
import { openProjections, RUNNER_RETRY } from './open-projections.js';
import { KNOWN_EVENT_TYPES, PROJECTIONS } from './projection-catalog.js';
import { selectionOf } from '../../shared/projections/projection.js';
import { ProjectionThread } from './projection-thread/projection-thread.js';
import { finishedWithin } from '../../shared/runtime/finished-within.js';
import { PendingAge } from '../../shared/projections/pending-age.js';

const LAG_COUNT_CAP = 1000;
const CATCH_UP_AT_START_MS = 60_000;
const DRAIN_AT_STOP_MS = 5_000;
/**
 * How long a stop waits for the projections to stop once their catch-up is over (a save in flight retries a
 * store that times out with ever longer timeouts, up to minutes): past it they are left to end with the process,
 * and go on from their checkpoints at the next start. Read models only: the uses are in the log already. The
 * projection thread also gets what the catch-up left of its 5 s: its anomaly detector saves a snapshot of its whole
 * state at stop, which is CPU-bound and grows with the keys (45 MB, 3.9 s to serialize and 0.45 s to write for
 * 100,000 keys at load 16), so a 2 s bound cut it off at every stop of a caught-up 100,000-key instance.
 */
export const STOP_PROJECTIONS_MS = 2_000;
/** Background work (the webhook) stops beside the drain of the requests, and within it. */
const STOP_BACKGROUND_MS = 10_000;

/** A projection the service reports on and waits for, whether it runs on this thread or on the projection thread. */
type WatchedProjection = Pick<ProjectionRunner, 'status' | 'waitUntilProcessed'> & {
  readonly projection: { readonly name: string; readonly eventTypes: readonly string[] };
};

interface Watched {
  declaration: ProjectionDeclaration<Storage>;
  runner: WatchedProjection;
}

interface LocalRunner {
  declaration: ProjectionDeclaration<Storage>;
  runner: ProjectionRunner;
}

export interface ProjectionLag extends ProjectionStatus {
  /** 'read-model': requests read what it builds, so readiness holds it to the lag limits ('statistics': reports them). */
  role: ProjectionDeclaration['role'];
  lagEvents: number;
  /** True when the count stopped at its cap: at least that many events are pending. */
  lagEventsCapped: boolean;
  /** How long the oldest event the projection has not applied yet has waited (pending-age.ts). */
  lagMs: number;
  /** lagMs is only a floor: that event was pending before this process first read the log's head (PendingAge.measure). */
  lagMsAtLeast: boolean;
  /** Paused while the instance moves to a generation a rebuild made live: what it holds is still served. */
  moving: boolean;
}

/**
 * Runs every declared projection from the event store's subscription — those of this thread here, the
 * others on the projection thread — and lets writers wait for the read models.
 */
@Injectable()
export class ProjectionsService extends ProjectionProgress implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly log: ProjectionLog = (level, message) => this.logger[level](message);
  private readonly thread: ProjectionThread;
  private local: LocalRunner[] = [];
  private watched: Watched[] = [];
  private generationTimer: NodeJS.Timeout | null = null;
  /** The move to another generation under way, awaited by a stop. */
  private moving: Promise<void> | null = null;
  /** Aborted when a stop begins (stopBackgroundWork), maybe while the start is still under way: nothing more starts. */
  private readonly stopBegun = new AbortController();
  /** Whether the start ran to its end: a stop that cut it short never served, and leaves the catch-up to the next start. */
  private started = false;
  private readonly pendingAge = new PendingAge();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_STORAGE) private readonly storage: Storage,
    @Inject(Environment) private readonly config: Environment,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Optional() @Inject(GENERATION_SWITCH) private readonly generations: GenerationSwitch<Storage> | null = null,
  ) {
    super();
    this.thread = new ProjectionThread(onThread('projection-thread'), config, storage.generation, this.log, this.deliver);
    store.onAppended?.((types) => this.thread.wake(types));
  }

  private readonly provided: ProjectionContext<Storage>['provided'] = (token) => this.moduleRef.get(token, { strict: false });

  /** What a projection publishes, on this thread or the projection thread, to its declaration's receiver here. */
  private readonly deliver: ProjectionContext<Storage>['publish'] = (projection, payload) =>
    PROJECTIONS.find((declaration) => declaration.name === projection)?.onPublished?.(payload, this.provided);

  async onApplicationBootstrap(): Promise<void> {
    const opened = await openProjections(onThread('request-thread'), {
      store: this.store,
      storage: this.storage,
      config: this.config,
      log: this.log,
      provided: this.provided,
      publish: this.deliver,
    });
    this.local = opened.map(({ declaration, projection }) => ({
      declaration,
      runner: new ProjectionRunner(this.store, projection, { ...RUNNER_RETRY, saveEveryMs: this.config.REBUILD_SAVE_INTERVAL_MS, onLog: this.log, knownEventTypes: KNOWN_EVENT_TYPES }),
    }));
    const runners = new Map<string, WatchedProjection>([
      ...this.local.map(({ runner }) => [runner.projection.name, runner] as const),
      ...this.thread.projections.map((mirror) => [mirror.projection.name, mirror] as const),
    ]);
    // Reported durable read models first, then in-memory ones, then background work (each in catalog order),
    // leaving out those configuration turned off.
    this.watched = PROJECTIONS.flatMap((declaration) => {
      const runner = runners.get(declaration.name);
      return runner ? [{ declaration, runner }] : [];
    }).sort((a, b) => reportingRank(a.declaration) - reportingRank(b.declaration));
    // A stop that began while they were being opened: none starts (the alert webhook would send, and hold its
    // lease, after `stopping`); the stop's close closes what was opened. They go on from their checkpoints.
    if (this.stopBegun.signal.aborted) return;
    await Promise.all([this.thread.start(), ...this.local.map(({ runner }) => runner.start())]);
    await this.catchUpAccessBeforeServing();
    if (this.stopBegun.signal.aborted) return;
    this.started = true;
    if (this.generations) {
      this.generationTimer = setInterval(() => void this.followLiveGeneration(), this.config.GENERATION_CHECK_INTERVAL_MS);
      this.generationTimer.unref();
    }
  }

  /**
   * A rebuild (`replay`) made another generation of the read models live: the projections that write the
   * rebuilt views stop, the storage opens the new generation (every port bound to it follows), the projection
   * thread moves too, and they go on from the new generation's checkpoints; the key table loads the new
   * generation's key views over what it holds (loadsFromViews). Requests keep being served, from the previous
   * generation until the moment of the switch; those waiting for their writes keep waiting.
   */
  private async followLiveGeneration(): Promise<void> {
    if (!this.generations || this.moving) return;
    const live = await this.storage
      .generations()
      .read()
      .then((state) => state.live)
      .catch(() => this.storage.generation);
    if (live === this.storage.generation) return;
    this.moving = this.moveTo(live, this.generations).finally(() => (this.moving = null));
    await this.moving;
  }

  private async moveTo(live: number, generations: GenerationSwitch<Storage>): Promise<void> {
    const from = this.storage.generation;
    const rebuilt = this.local.filter(({ declaration }) => movedWithGeneration(declaration)).map(({ runner }) => runner);
    await Promise.all(rebuilt.map((runner) => runner.pause()));
    try {
      await generations.switchTo(live);
    } catch (error) {
      this.logger.error(`Could not open read-model generation ${live}; staying on ${from}: ${(error as Error).message}`);
    }
    await Promise.all([this.thread.moveTo(this.storage.generation), ...rebuilt.map((runner) => runner.start())]);
    if (this.storage.generation === live) this.logger.log(`Moved to read-model generation ${live} (made live by a rebuild) from ${from}`);
  }

  /**
   * The first step of a stop, beside the drain of the requests in flight: background work on this thread (the
   * alert webhook) stops now, so a failing receiver gets no further attempt during the stop (a request already
   * on its way may finish, and be checkpointed); it goes on from its checkpoint at the next start. A start still
   * under way (onApplicationBootstrap) starts nothing more and stops waiting for the catch-up.
   */
  async stopBackgroundWork(): Promise<void> {
    this.stopBegun.abort();
    const background = this.local.filter(({ declaration }) => declaration.role === 'background');
    this.local = this.local.filter((local) => !background.includes(local));
    await this.stopWithin(background, STOP_BACKGROUND_MS);
  }

  /** Stops `runners`, waiting `ms` at most: one still busy then (a store that does not answer) is left to end with the process. */
  private async stopWithin(runners: readonly LocalRunner[], ms: number): Promise<void> {
    await Promise.all(
      runners.map(async ({ declaration, runner }) => {
        if (await finishedWithin(runner.stop(), ms)) return;
        this.logger.warn(`${declaration.name} had not stopped ${ms / 1000} s into its stop (a store it writes does not answer): left to end with the process, it goes on from its checkpoint at the next start`);
      }),
    );
  }

  /**
   * A stop lets every running projection that requests read catch up with the log first, within 5 s: the usage
   * flushed on the way out (before the close, stopGracefullyOnSignals) is then in the views, not left for the next
   * start. Background work is not waited for: it goes on from its checkpoint at the next start (and the webhook has
   * stopped already, stopBackgroundWork); nor is it after a stop during the start, which served nothing. Then every
   * projection stops, within STOP_PROJECTIONS_MS.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.generationTimer) clearInterval(this.generationTimer);
    const catchUpEnds = performance.now() + DRAIN_AT_STOP_MS;
    // Each wait of the catch-up within its 5 s: a move to another generation stops the projection thread too.
    if (this.moving) await finishedWithin(this.moving, DRAIN_AT_STOP_MS);
    // A stop during the start: nothing was served, so no use flushed at the stop waits for the views.
    const reading = this.started ? this.store.headPosition().catch(() => null) : Promise.resolve(null);
    const head = (await finishedWithin(reading, Math.max(1, catchUpEnds - performance.now()))) ? await reading : null;
    if (head !== null) {
      const running = this.watched.filter(({ declaration, runner }) => declaration.role !== 'background' && runner.status().running);
      await Promise.all(
        running.map(({ declaration, runner }) =>
          runner.waitUntilProcessed(head, Math.max(1, catchUpEnds - performance.now())).catch(() => {
            this.logger.warn(`${declaration.name} had not caught up with the log ${DRAIN_AT_STOP_MS / 1000} s into the stop: it goes on from its checkpoint at the next start`);
          }),
        ),
      );
    }
    // The thread's last saves (the detector's snapshot: 4.4 s for 100,000 keys at load 16) may use what the catch-up left.
    const threadMs = Math.max(STOP_PROJECTIONS_MS, catchUpEnds + STOP_PROJECTIONS_MS - performance.now());
    await Promise.all([this.stopThread(threadMs), this.stopWithin(this.local, STOP_PROJECTIONS_MS)]);
  }

  private async stopThread(ms: number): Promise<void> {
    if (await this.thread.stop(ms)) return;
    const names = this.thread.stillStopping().join(', ');
    this.logger.warn(
      `The projection thread had not stopped ${(ms / 1000).toFixed(1)} s into its stop (still stopping: ${names}; a last save, such as the anomaly detector's snapshot of a large state, or a store it writes that does not answer): left to end with the process, its projections go on from their checkpoints at the next start`,
    );
  }

  /**
   * A store answers again after it had been seen down: every projection waiting out a retry delay retries now
   * rather than at the end of its delay (up to 5 s). Resolves once this thread's have resumed; the projection
   * thread's are told and not waited for (none of them holds readiness).
   */
  async retryNow(): Promise<void> {
    this.thread.retryNow();
    await Promise.all(this.local.map(({ runner }) => runner.retryNow()));
  }

  /** Resolves once the read models have seen the log up to `position`, so a read right after sees the write. */
  override async caughtUpTo(position: number | null, types?: readonly string[]): Promise<void> {
    if (position === null) return;
    const affected = this.watched.filter(
      ({ declaration }) =>
        declaration.role !== 'background' && declaration.writersWait !== false && (!types || declaration.eventTypes.some((type) => types.includes(type))),
    );
    const timeoutMs = this.config.READ_YOUR_WRITES_TIMEOUT_MS;
    await Promise.all(affected.map(({ runner }) => runner.waitUntilProcessed(position, timeoutMs)));
  }

  override async inForce(position: number | null, timeoutMs = this.config.READ_YOUR_WRITES_TIMEOUT_MS): Promise<void> {
    if (position === null) return;
    const enforcing = this.watched.filter(({ declaration }) => declaration.enforcesAccess);
    await Promise.all(enforcing.map(({ runner }) => runner.waitUntilProcessed(position, timeoutMs)));
  }

  /** Where each projection is in the log and whether it runs, without asking the store (for /metrics). */
  positions(): Pick<ProjectionLag, 'name' | 'running' | 'failing' | 'moving' | 'position'>[] {
    return this.watched.map(({ declaration, runner }) => {
      const { name, running, failing, position } = runner.status();
      return { name, running, failing, moving: this.moving !== null && movedWithGeneration(declaration), position };
    });
  }

  /** Each projection's state and how far it trails the log, for the readiness probe. */
  async lag(): Promise<ProjectionLag[]> {
    // Counted one past the readiness limit, so that a count at the cap always means "over the limit".
    const cap = Math.max(LAG_COUNT_CAP, this.config.READINESS_MAX_LAG_EVENTS + 1);
    this.pendingAge.sawHead(await this.store.headPosition());
    return Promise.all(
      this.watched.map(async ({ declaration, runner }) => {
        const status = runner.status();
        const { unknownTypesIn } = selectionOf(declaration, KNOWN_EVENT_TYPES);
        const { count, oldestRecordedAt, oldestPosition } = await this.store.backlog({ after: status.position, maxCount: cap, types: declaration.eventTypes, unknownTypesIn });
        const age = this.pendingAge.measure(oldestPosition, oldestRecordedAt);
        return {
          ...status,
          role: declaration.role,
          lagEvents: count,
          lagEventsCapped: count === cap,
          lagMs: age.ms,
          lagMsAtLeast: age.atLeast,
          moving: this.moving !== null && movedWithGeneration(declaration),
        };
      }),
    );
  }

  /** A projection that must not serve stale answers (the key table) is caught up with the log before the service counts as started. */
  private async catchUpAccessBeforeServing(): Promise<void> {
    const head = await this.store.headPosition();
    if (head === null) return;
    for (const { declaration, runner } of this.watched.filter(({ declaration }) => declaration.enforcesAccess)) {
      const caughtUp = runner.waitUntilProcessed(head, CATCH_UP_AT_START_MS).then(
        () => undefined,
        (error: Error) => error,
      );
      // A stop that begins meanwhile ends the wait: the service will not serve; the next start catches up from the checkpoints.
      const failure = await Promise.race([caughtUp, stopBegun(this.stopBegun.signal)]);
      if (this.stopBegun.signal.aborted) return;
      if (failure) this.logger.error(`${declaration.name} not caught up with the log at start: ${failure.message}`);
    }
  }
}

/** Resolves once `signal` aborts (never rejects). */
function stopBegun(signal: AbortSignal): Promise<undefined> {
  return new Promise((resolve) => (signal.aborted ? resolve(undefined) : signal.addEventListener('abort', () => resolve(undefined), { once: true })));
}

/** The projections a move to another generation pauses and starts again on it. */
function movedWithGeneration({ rebuiltByReplay, loadsFromViews }: ProjectionDeclaration<Storage>): boolean {
  return Boolean(rebuiltByReplay || loadsFromViews);
}

function reportingRank({ role, rebuiltByReplay }: ProjectionDeclaration<Storage>): number {
  if (role === 'background') return 2;
  return rebuiltByReplay ? 0 : 1;
}

function onThread(thread: ProjectionDeclaration['runsOn']): ProjectionDeclaration<Storage>[] {
  return PROJECTIONS.filter((declaration) => declaration.runsOn === thread);
}
