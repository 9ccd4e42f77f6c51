import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { Environment } from '../../shared/config/environment.js';
import { timeOrderedId } from '../../shared/event-store/event-id.js';
import { AppendRefusedError, type AppendRefusal } from '../../shared/event-store/append-refused.error.js';
import { type Counter, type CounterSeries, type Histogram, Metrics } from '../../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import {
  EVENT_STORE,
  type EventStore,
  type EventToAppend,
  type StreamAppend,
} from '../../shared/event-store/event-store.port.js';
import {
  AUTHENTICATION_FAILED,
  type AuthenticationFailedData,
  authenticationFailuresStreamId,
} from '../domain/authentication-failed.js';
import { KEY_USED, type KeyUsedData, keyUsageStreamId } from '../domain/key-used.js';
import { type ClientRecording, minimisedClient } from '../domain/recorded-client.js';
import { FailedFlushes } from './failed-flushes.js';

const FLUSH_AT = 2000;
const WRITE_CHUNK = 250;
/** While the store is down, events pile up to this many; beyond it the oldest are dropped and counted. */
const MAX_BUFFERED = 200_000;
/** Seconds: a flush of the embedded log takes milliseconds; one to a remote store that is down, its timeout. */
const FLUSH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Streams whose refusal has been logged: one line per stream (a deleted key's uses keep coming), bounded. */
const MAX_LOGGED_REFUSALS = 10_000;

interface Pending {
  streamId: string;
  event: EventToAppend;
}

/**
 * Records uses and failed authentications without a store round-trip on the request path: they are
 * buffered and appended in batches, every flush interval or sooner when the buffer fills.
 * Shutdown flushes everything. Each event gets its id when recorded, so a batch retried after a failure
 * that had in fact written part of it (a lost reply, a half-done EventStoreDB batch) writes nothing twice.
 */
@Injectable()
export class UsageRecorder implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('UsageRecorder');
  private buffer: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dropped = 0;
  private readonly intervalMs: number;
  private readonly flushSeconds: Histogram<'outcome'>;
  private readonly droppedEvents: Counter<'reason'>;
  /** Bound once: it counts on the verify path (record) while the buffer overflows. */
  private readonly droppedWhenFull: CounterSeries;
  private readonly loggedRefusals = new Set<string>();
  private readonly failedFlushes: FailedFlushes;
  private readonly client: ClientRecording;
  /** The default: every record as given, with no call on the verify path. */
  private readonly recordsWholeClient: boolean;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(Environment) config: Environment,
    @Optional() @Inject(Metrics) metrics: Metrics = NO_METRICS,
  ) {
    this.intervalMs = config.USAGE_FLUSH_INTERVAL_MS;
    this.client = { address: config.RECORD_CLIENT_ADDRESS, userAgent: config.RECORD_USER_AGENT !== 'false' };
    this.recordsWholeClient = this.client.address === 'full' && this.client.userAgent;
    this.failedFlushes = new FailedFlushes(this.intervalMs);
    metrics.gauge({
      name: 'parsesphere_usage_buffer_depth',
      help: 'Usage events (uses and failed authentications) recorded but not yet appended to the event store.',
      read: () => this.buffer.length,
    });
    this.flushSeconds = metrics.histogram({
      name: 'parsesphere_usage_flush_duration_seconds',
      help: 'Time to append one buffered batch of usage events, by outcome (ok, or failed and kept for the next flush).',
      labelNames: ['outcome'],
      buckets: FLUSH_BUCKETS,
    });
    this.droppedEvents = metrics.counter({
      name: 'parsesphere_usage_events_dropped_total',
      help: 'Usage events never written: the buffer was full while the store was down (buffer_full), or the store refused their stream for good (stream_deleted, malformed) or the event itself, larger than one append may be (too_large).',
      labelNames: ['reason'],
    });
    this.droppedWhenFull = this.droppedEvents.series({ reason: 'buffer_full' });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.flushWhenDue(), this.intervalMs);
    this.timer.unref();
  }

  /** At the close: a stop has flushed already, once no request was served any more (stopGracefullyOnSignals); this flushes what came since. */
  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    if (this.buffer.length > 0) this.logger.error(`${this.buffer.length} usage events could not be written before shutdown`);
  }

  /** Records no more of the client than RECORD_CLIENT_ADDRESS and RECORD_USER_AGENT keep: events are immutable. */
  record(use: KeyUsedData): void {
    this.push(keyUsageStreamId(use.keyId), usageEvent(KEY_USED, this.recordsWholeClient ? use : minimisedClient(use, this.client)));
  }

  recordFailure(failure: AuthenticationFailedData): void {
    this.push(authenticationFailuresStreamId(failure.failedAt), usageEvent(AUTHENTICATION_FAILED, this.recordsWholeClient ? failure : minimisedClient(failure, this.client)));
  }

  /** Appends everything buffered so far; concurrent callers share one flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    this.flushing = this.writeBuffered().finally(() => (this.flushing = null));
    await this.flushing;
  }

  private push(streamId: string, event: EventToAppend): void {
    this.buffer.push({ streamId, event });
    if (this.buffer.length > MAX_BUFFERED) {
      this.dropped += this.buffer.length - MAX_BUFFERED;
      this.droppedWhenFull.inc(this.buffer.length - MAX_BUFFERED);
      this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
    }
    if (this.buffer.length >= FLUSH_AT && !this.flushing) this.flushWhenDue();
  }

  /** The automatic flushes (the timer's, a full buffer's) wait while flushes fail; shutdown's and callers' do not. */
  private flushWhenDue(): void {
    if (this.failedFlushes.due()) void this.flush();
  }

  /**
   * Writes in chunks, yielding to the event loop between them: an embedded (synchronous) store would
   * otherwise stall every request for the whole batch. A failure is retried whole at the next flush, unless the store
   * refused a stream for good (AppendRefusedError): then that stream's events are dropped and the others written now,
   * for a retry would meet the same refusal and hold every other key's uses behind it until the buffer overflowed.
   */
  private async writeBuffered(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    let written = 0;
    const started = performance.now();
    /** This flush's streams refused for good, and why: their events in later chunks are dropped unsent. */
    const refused = new Map<string, AppendRefusal>();
    /** This flush's events refused one by one (too large for the store), counted when refused, never sent again. */
    const refusedEvents = new Set<string>();
    try {
      for (; written < batch.length; written += WRITE_CHUNK) {
        const appends = groupByStream(batch.slice(written, written + WRITE_CHUNK));
        await this.appendUnlessRefused(appends, refused, refusedEvents);
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.flushSeconds.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
      if (refused.size > 0) this.countDropped(batch, refused);
      const recovered = this.failedFlushes.succeeded();
      if (recovered) this.logger.log(recovered);
      if (this.dropped > 0) {
        this.logger.error(`${this.dropped} usage events were dropped while the event store was unavailable`);
        this.dropped = 0;
      }
    } catch (error) {
      this.flushSeconds.observe({ outcome: 'failed' }, (performance.now() - started) / 1000);
      const unwritten = batch.slice(written);
      if (refused.size > 0) this.countDropped(batch, refused);
      const kept = refused.size === 0 && refusedEvents.size === 0 ? unwritten : unwritten.filter(({ streamId, event }) => !refused.has(streamId) && !refusedEvents.has(event.id!));
      this.buffer = kept.concat(this.buffer);
      const failure = this.failedFlushes.failed(batch.length - written, (error as Error).message);
      if (failure) this.logger.warn(failure);
    }
  }

  /** A usage record needs to survive this process being killed (USAGE_FLUSH_INTERVAL_MS's bound, docs/configuration.md), not a power loss. */
  private async append(appends: readonly StreamAppend[]): Promise<void> {
    if (appends.length > 0) await this.store.appendToStreams(appends, { durability: 'process' });
  }

  /**
   * The chunk, less the streams refused: one the store names is left out and the rest sent again (EventStoreDB, which
   * may have written some of them: their ids make that safe); a refusal naming none, each stream on its own.
   */
  private async appendUnlessRefused(appends: readonly StreamAppend[], refused: Map<string, AppendRefusal>, refusedEvents: Set<string>): Promise<void> {
    for (;;) {
      try {
        return await this.append(refused.size === 0 && refusedEvents.size === 0 ? appends : this.withoutRefused(appends, refused, refusedEvents));
      } catch (error) {
        if (!(error instanceof AppendRefusedError)) throw error;
        if (this.refusedOneByOne(error, refusedEvents)) continue;
        if (error.streamId === undefined || refused.has(error.streamId)) return this.appendEachStream(appends, refused, refusedEvents);
        refused.set(error.streamId, error.reason);
        this.logRefusal(error.streamId, error);
      }
    }
  }

  /**
   * After a refusal, which a store that appends a batch in one transaction (SQLite) cannot pin on a stream: each
   * stream on its own, the refused ones' events dropped. Any other failure ends the flush, to be retried whole
   * (the events carry their ids, so the streams written here are not written twice).
   */
  private async appendEachStream(appends: readonly StreamAppend[], refused: Map<string, AppendRefusal>, refusedEvents: Set<string>): Promise<void> {
    for (const append of this.withoutRefused(appends, refused, refusedEvents)) {
      if (refused.has(append.streamId)) continue;
      try {
        await this.append([append]);
      } catch (error) {
        if (!(error instanceof AppendRefusedError)) throw error;
        // The store wrote the stream's other events: the rest of this flush is sent on.
        if (this.refusedOneByOne(error, refusedEvents)) continue;
        refused.set(append.streamId, error.reason);
        this.logRefusal(append.streamId, error);
      }
    }
  }

  /**
   * A refusal of some events only (EventStoreDB: each too large for one append, the stream's others written): those are
   * dropped, counted now, and the stream is not refused. False for a refusal of a whole stream or append.
   */
  private refusedOneByOne(error: AppendRefusedError, refusedEvents: Set<string>): boolean {
    if (error.eventIds === undefined || error.streamId === undefined) return false;
    const fresh = error.eventIds.filter((id) => !refusedEvents.has(id));
    // None new: sending the rest again would loop; the stream is refused instead.
    if (fresh.length === 0) return false;
    for (const id of fresh) refusedEvents.add(id);
    this.droppedEvents.series({ reason: error.reason }).inc(fresh.length);
    this.logRefusal(error.streamId, error);
    return true;
  }

  private withoutRefused(appends: readonly StreamAppend[], refused: ReadonlyMap<string, AppendRefusal>, refusedEvents: ReadonlySet<string>): StreamAppend[] {
    return appends
      .filter(({ streamId }) => !refused.has(streamId))
      .map((append) => (refusedEvents.size === 0 ? append : { ...append, events: append.events.filter((event) => !refusedEvents.has(event.id!)) }))
      .filter((append) => append.events.length > 0);
  }

  /** The batch's events of the refused streams, written in no chunk and kept for no retry. */
  private countDropped(batch: readonly Pending[], refused: ReadonlyMap<string, AppendRefusal>): void {
    const dropped = new Map<AppendRefusal, number>();
    for (const { streamId } of batch) {
      const reason = refused.get(streamId);
      if (reason) dropped.set(reason, (dropped.get(reason) ?? 0) + 1);
    }
    for (const [reason, count] of dropped) this.droppedEvents.series({ reason }).inc(count);
  }

  private logRefusal(streamId: string, error: AppendRefusedError): void {
    if (this.loggedRefusals.has(streamId)) return;
    if (this.loggedRefusals.size >= MAX_LOGGED_REFUSALS) this.loggedRefusals.clear();
    this.loggedRefusals.add(streamId);
    this.logger.error(`Usage events of ${streamId} dropped, the event store refuses them for good (counted in parsesphere_usage_events_dropped_total; logged once per stream): ${error.message}`);
  }
}

/** Takes ownership of `data`: the recorder's callers build it for this one event. */
function usageEvent(type: string, data: KeyUsedData | AuthenticationFailedData): EventToAppend {
  const payload = data as unknown as Record<string, unknown>;
  return { id: timeOrderedId(), type, schemaVersion: 1, data: payload, metadata: { requestId: data.requestId } };
}

function groupByStream(batch: Pending[]): StreamAppend[] {
  const byStream = new Map<string, EventToAppend[]>();
  for (const { streamId, event } of batch) {
    const events = byStream.get(streamId);
    if (events) events.push(event);
    else byStream.set(streamId, [event]);
  }
  return [...byStream].map(([streamId, events]) => ({ streamId, events, expectedRevision: 'any' }));
}
