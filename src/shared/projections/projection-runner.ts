import { ServiceUnavailable } from '../application/errors.js';
import type { EventSelection, EventStore, EventSubscription } from '../event-store/event-store.port.js';
import { ReadModelLostError } from '../storage/read-model-lost.error.js';
import { StoreDamagedError } from '../storage/store-damaged.error.js';
import { SubscriptionUnconfirmedError } from '../event-store/subscription-unconfirmed.error.js';
import { checkpointWithinLog } from './checkpoint-within-log.js';
import { feedInBulk } from './feed-in-bulk.js';
import { PositionWaiters } from './position-waiters.js';
import { type Projection, selectionOf } from './projection.js';
import { errorMessage } from '../runtime/error-message.js';
import { describeRetryWait } from './own-retry-wait.js';

export interface ProjectionRunnerOptions {
  retryMinMs: number;
  retryMaxMs: number;
  /**
   * How long it waits after a store found damaged (StoreDamagedError), which no quick retry mends: a minute unless
   * told. A store seen answering again (retryNow) cuts it short.
   */
  damagedRetryMs?: number;
  /** How often a bulk fill saves its progress (feedInBulk's default unless told). */
  saveEveryMs?: number;
  onLog?: (level: 'log' | 'warn' | 'error', message: string) => void;
  /**
   * Every event type this version reads (PROJECTIONS' types): any other in the streams a projection folds whole is a
   * newer version's and reaches it (Projection.readsUnknownTypesIn). Absent: the projection's own types.
   */
  knownEventTypes?: readonly string[];
}

export interface ProjectionStatus {
  name: string;
  running: boolean;
  /**
   * Failed (lastError says why) and not yet shown to work again: waiting out its retry delay, or resubscribed
   * and not yet through a write of its own (or found nothing left to write). Reported down meanwhile.
   */
  failing: boolean;
  position: number | null;
  lastError: string | null;
}

/**
 * How often at most a projection stores the position it reached past events of other types only: each store
 * is a write (on FerretDB 1.24 about 20 ms under load, two per revocation for the usage and alert views),
 * while what a later save saves is only how much of the log a restart need not read again for this projection.
 */
const CHECKPOINT_SAVE_INTERVAL_MS = 1000;

const DAMAGED_RETRY_MS = 60_000;

/**
 * Drives one projection from a catch-up subscription to the event store. On failure it
 * resubscribes from the last processed position with capped exponential backoff.
 */
export class ProjectionRunner {
  private position: number | null = null;
  private subscription: EventSubscription | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay: number;
  private stopped = true;
  /** The bulk fill in progress, if any: running, and awaited by stop() before the projection closes. */
  private fill: Promise<void> | null = null;
  private lastError: string | null = null;
  private failing = false;
  /**
   * Its last failure was a subscription the store never confirmed (EventStoreDB, SubscriptionUnconfirmedError): it stays
   * failing until a subscription is confirmed, whatever else answers meanwhile (a read of the log's head, a checkpoint
   * save), or readiness would show it up between a resubscription and its bound while it reads nothing.
   */
  private unconfirmed = false;
  /** Starting over after its read model was lost (resume): running, not failed. */
  private restarting: Promise<void> | null = null;
  private readonly waiters = new PositionWaiters();
  /** A position reached past events of other types only, not stored yet. */
  private unsaved: number | null = null;
  private checkpointSavedAt = -Infinity;
  /** The damage it last logged (StoreDamagedError the store did not report itself): one line, not one per retry. */
  private damageLogged: string | null = null;
  /**
   * Failures in a row since it last worked (monotonic start, attempts, the reason last logged): one line when they
   * start, one when the reason changes, one when it works again; not one per retry (3 projections on a FerretDB
   * down for 30 s logged 26 error lines, about 2,000 an hour).
   */
  private failureRun: { since: number; attempts: number; reason: string } | null = null;

  constructor(
    private readonly store: EventStore,
    readonly projection: Projection,
    private readonly options: ProjectionRunnerOptions = { retryMinMs: 100, retryMaxMs: 5000 },
  ) {
    this.retryDelay = options.retryMinMs;
  }

  async start(): Promise<void> {
    this.stopped = false;
    // A position left unsaved by a failed save at the last pause belongs to what the projection was on then.
    this.unsaved = null;
    this.position = await this.checkpointWithinLog();
    // Its store answered: a failure before a pause (a generation switch) is behind it.
    this.recovered();
    // Stopped while reading its checkpoint (a stop during the service's start): it does not start after its stop.
    if (this.stopped) return;
    this.follow();
  }

  async stop(): Promise<void> {
    await this.pause();
    await this.projection.close?.();
    this.waiters.rejectAll(new ServiceUnavailable('The service is shutting down.'));
  }

  /**
   * Stops following the log without failing those waiting for it, nor closing the projection: start() goes on
   * from the checkpoint stored by then (the stores under the projection changed: a new read-model generation).
   */
  async pause(): Promise<void> {
    this.stopped = true;
    this.projection.stop?.();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.subscription?.stop();
    this.subscription = null;
    await this.restarting;
    await this.fill;
    await this.saveUnsavedCheckpoint().catch((error: unknown) =>
      this.options.onLog?.('warn', `Projection ${this.projection.name} could not save its checkpoint at stop (${(error as Error).message}); it reads that part of the log again at its next start`),
    );
  }

  /** The position reached past events of other types, saved late (CHECKPOINT_SAVE_INTERVAL_MS), from the subscription's own callbacks or once it has stopped. */
  private async saveUnsavedCheckpoint(): Promise<void> {
    const position = this.unsaved;
    if (position === null) return;
    await this.projection.saveCheckpoint(position);
    if (this.unsaved === position) this.unsaved = null;
    this.checkpointSavedAt = performance.now();
    this.recovered();
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      running: this.subscription !== null || this.fill !== null || this.restarting !== null,
      failing: this.failing,
      position: this.position,
      lastError: this.lastError,
    };
  }

  /** Resolves once the projection has processed the log up to `position`. */
  waitUntilProcessed(position: number, timeoutMs: number): Promise<void> {
    if (this.position !== null && this.position >= position) return Promise.resolve();
    // The position may be one of a type this projection does not read, whose append did not wake it.
    this.subscription?.wake?.();
    return this.waiters.wait(position, timeoutMs);
  }

  /**
   * A projection that has never written anything (an empty read model: a new instance, a new database) is
   * first filled the way a rebuild fills it, in bulk, which on a slow store is many times faster than event
   * batches; then, like any other, it follows the log from its position.
   */
  private follow(): void {
    if (this.position !== null || !this.projection.beginBulk) return this.subscribe();
    this.fill = feedInBulk(this.store, [this.projection], {
      after: null,
      ...this.selection(),
      stopped: () => this.stopped,
      saveEveryMs: this.options.saveEveryMs,
    })
      .then((fed) => {
        this.fill = null;
        if (!fed || this.stopped) return;
        this.recovered();
        if (fed.position !== null) this.advance(fed.position);
        this.subscribe();
      })
      .catch((error: unknown) => {
        this.fill = null;
        this.restartLater(error);
      });
  }

  private selection(): EventSelection {
    return selectionOf(this.projection, this.options.knownEventTypes ?? this.projection.eventTypes);
  }

  private subscribe(): void {
    this.subscription = this.store.subscribeToAll(
      { after: this.position, ...this.selection() },
      {
        onEvents: async (events) => {
          await this.projection.handle(events);
          const position = events[events.length - 1].position;
          // handle() stored its checkpoint with what it wrote.
          if (this.unsaved !== null && this.unsaved <= position) this.unsaved = null;
          this.recovered();
          this.advance(position);
        },
        onCheckpoint: async (position) => {
          if (this.position !== null && position <= this.position) return;
          this.advance(position);
          this.unsaved = position;
          // After a failure, the save is what shows the store takes writes again: not put off.
          if (this.failing || performance.now() - this.checkpointSavedAt >= CHECKPOINT_SAVE_INTERVAL_MS) await this.saveUnsavedCheckpoint();
        },
        onError: (error) => this.restartLater(error),
        onConfirmed: () => {
          if (!this.unconfirmed) return;
          this.unconfirmed = false;
          this.recovered();
        },
      },
    );
  }

  /**
   * After a failure: a fill that did not finish may have written part of the views, with their checkpoint. A read
   * model lost under the projection holds only what its checkpoint now says (none: it is filled from the start).
   */
  private async resume(lost: boolean): Promise<void> {
    try {
      if (this.position === null && (lost || this.projection.beginBulk)) {
        this.position = await this.checkpointWithinLog();
        // Its store answered: the fill that follows is progress, reported lagging rather than down. Its retry
        // delay stays until the fill is through: a fill that fails each time (a malformed log) backs off.
        if (!lost) this.answeredAgain();
      } else if (this.failing) {
        await this.retryWhatFailed();
      }
      if (this.stopped) return;
      this.follow();
    } catch (error) {
      this.restartLater(error);
    }
  }

  /**
   * A failed checkpoint save is made again before anything else; with none pending and nothing in the log past
   * its position, there is nothing left to fail on: the store it reads answered, and it is not failing any more.
   * Otherwise it stays failing until its next write goes through (the subscription's first batch or checkpoint).
   */
  private async retryWhatFailed(): Promise<void> {
    if (this.unsaved !== null) return this.saveUnsavedCheckpoint();
    const head = await this.store.headPosition();
    if (head === null || (this.position !== null && head <= this.position)) this.recovered();
  }

  /**
   * Retries now a projection waiting out its retry delay (a store it failed on answers again), rather than at the
   * end of the delay; resolves once it has resumed. Nothing for a projection that is not waiting.
   */
  retryNow(): Promise<void> {
    if (!this.retryTimer || this.stopped) return Promise.resolve();
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    return this.resume(false);
  }

  /**
   * Its read model was lost (a dropped database): nothing it reached counts any more, it is as far as the
   * checkpoint stored now (none: it fills the read model from the start of the log). Not a failure to wait out:
   * it starts over at once, and counts as running meanwhile; its status keeps why until it has caught up.
   */
  private startOver(): void {
    this.options.onLog?.('warn', `Projection ${this.projection.name}: ${this.lastError}`);
    this.position = null;
    this.unsaved = null;
    this.failing = false;
    const restarting: Promise<void> = this.resume(true).finally(() => {
      // Unless it failed and started over again meanwhile.
      if (this.restarting === restarting) this.restarting = null;
    });
    this.restarting = restarting;
  }

  private checkpointWithinLog(): Promise<number | null> {
    return checkpointWithinLog(this.store, this.projection, (message) => this.options.onLog?.('warn', message));
  }

  /** A write of its own went through, or it found nothing left to write: why it failed no longer holds. */
  private recovered(): void {
    if (this.unconfirmed) return;
    const run = this.failureRun;
    this.failureRun = null;
    if (run) {
      const seconds = ((performance.now() - run.since) / 1000).toFixed(1);
      this.options.onLog?.('log', `Projection ${this.projection.name} running again after ${run.attempts} failed attempt(s) over ${seconds} s`);
    }
    if (!this.failing) return;
    this.answeredAgain();
    this.retryDelay = this.options.retryMinMs;
    this.damageLogged = null;
  }

  /** What it failed on answers again: no longer failing, its retry delay kept until it has made progress. */
  private answeredAgain(): void {
    if (this.unconfirmed) return;
    this.failing = false;
    this.lastError = null;
  }

  /** Not a recovery by itself: a position passed with nothing written for it proves no store takes writes again. */
  private advance(position: number): void {
    this.position = position;
    if (!this.failing) {
      this.lastError = null;
      this.retryDelay = this.options.retryMinMs;
    }
    this.waiters.advance(position);
  }

  private restartLater(error: unknown): void {
    this.subscription = null;
    this.lastError = errorMessage(error);
    this.unconfirmed = error instanceof SubscriptionUnconfirmedError;
    if (this.stopped) return;
    if (error instanceof ReadModelLostError) return this.startOver();
    this.failing = true;
    const damaged = error instanceof StoreDamagedError;
    const delay = damaged ? (this.options.damagedRetryMs ?? DAMAGED_RETRY_MS) : this.retryDelay;
    if (!damaged) {
      const run = this.failureRun;
      if (run) run.attempts += 1;
      else this.failureRun = { since: performance.now(), attempts: 1, reason: '' };
      if (this.failureRun!.reason !== this.lastError) {
        this.failureRun!.reason = this.lastError;
        this.options.onLog?.('error', `Projection ${this.projection.name} failed (${this.lastError}); ${describeRetryWait(delay, error)}`);
      }
    } else if (!error.reported && this.damageLogged !== this.lastError) {
      // Damage the store reported itself (its one line) is not logged again here, for each projection that meets it.
      this.damageLogged = this.lastError;
      this.options.onLog?.('error', `Projection ${this.projection.name} stopped on a damaged store (${this.lastError}); retrying every ${delay} ms`);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) void this.resume(false);
    }, delay);
    if (!damaged) this.retryDelay = Math.min(this.retryDelay * 2, this.options.retryMaxMs);
  }
}
