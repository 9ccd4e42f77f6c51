import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import { timeOrderedId } from '../../shared/event-store/event-id.js';
import type { EventStore, RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { Projection } from '../../shared/projections/projection.js';
import { ANOMALY_DETECTED, type AnomalyDetectedData, anomalyStreamId } from '../domain/anomaly.js';
import { burstHoursDue, burstHoursPassed, detect, type DetectorInput, type DetectorState, initialDetectorState, rearmExpiryWarnings } from '../domain/anomaly-detector.js';
import type { AnomalyThresholds } from '../domain/anomaly-thresholds.js';
import { detectorSnapshotParts, restoreDetectorSnapshot } from '../domain/detector-snapshot.js';
import type { DetectorSnapshotStore } from './detector-snapshot-store.port.js';

export const DETECTOR_INPUT_TYPES = [
  'KeyCreated',
  'KeyRevoked',
  'KeyUpdated',
  'KeyRolled',
  'KeyDisabled',
  'KeyEnabled',
  'KeyLeakReported',
  'KeyUsed',
  'AuthenticationFailed',
] as const;
/**
 * The schema versions of each whose fields the detector reads (KeyCreated 1 and 2 both carry keyId, accountId and
 * createdAt; only 2 an expiresAt, which 1 lacks as its keys never expired). Another is a newer version's, whose
 * fields may have moved or changed meaning: folded in as if known, it threw on every retry (an address that is no
 * longer a string) or raised alerts about nobody (a failure whose keyId was left out counted as a known key's).
 */
const READ_VERSIONS: Readonly<Record<string, readonly number[]>> = {
  KeyCreated: [1, 2],
  KeyRevoked: [1],
  KeyUpdated: [1],
  KeyRolled: [1],
  KeyDisabled: [1],
  KeyEnabled: [1],
  KeyLeakReported: [1],
  KeyUsed: [1],
  AuthenticationFailed: [1],
};
export const ANOMALY_DETECTOR = 'anomaly-detector';
export const DETECTOR_SNAPSHOT_EVERY_MS = 60_000;
/** How often the detector looks at the clock (tick): a burst hour's summary comes at most 2 minutes after the hour. */
export const DETECTOR_TICK_EVERY_MS = 60_000;
/** A large state is saved less often: saving never takes more than 1/50 of the thread's time. */
const SNAPSHOT_COST_FACTOR = 50;

export interface SnapshotOptions {
  snapshotEveryMs: number;
  now: () => number;
  onSnapshotError?: (error: unknown) => void;
  /** Told once per type and schema version of an event it skips because this version cannot read it (a newer version wrote it). */
  onSkipped?: (message: string) => void;
  /**
   * Told of each finding once this projection has appended it: not of one the store refused as already recorded (a
   * restart or a replay that detects it again, or another instance that recorded it first), except when the event the
   * log holds is this projection's own, from an earlier attempt whose answer was lost (a timeout).
   */
  onRecorded?: (finding: AnomalyDetectedData) => void;
  /**
   * How often it looks at the clock for an hour of address bursts no event has closed (tick); none when absent
   * (the specs call tick themselves). The summary then comes at most BURST_HOUR_GRACE_MS plus this after the hour.
   */
  tickEveryMs?: number;
  /** Told of a tick that failed (the log could not be read or the summary appended): the next tick, or event, tries again. */
  onTickError?: (error: unknown) => void;
}

/**
 * Runs the detector over the log and appends each finding as AnomalyDetected to its own stream
 * with "no stream" expected: a finding already recorded (by a replay, a restart or another instance)
 * is refused by the store, so every alert exists exactly once. The detector's state lives in memory; a
 * snapshot of it is saved at most every minute (less often when saving it takes long) and when the
 * thread stops, and a start resumes from the snapshot (or replays the log from its start when there is
 * none, or it was taken under other thresholds or an older format). A snapshot that cannot be restored
 * still says how far the detector had judged the log: the replay rebuilds the state silently up to there,
 * so new thresholds apply from then on and never re-judge old events (their findings would be new windows,
 * so new alert ids, for incidents already alerted). A snapshot that cannot be saved is reported and tried
 * again an interval later: it only shortens a future start, so it never holds detection up.
 */
export class AnomalyDetectionProjection implements Projection {
  readonly name = ANOMALY_DETECTOR;
  readonly eventTypes = DETECTOR_INPUT_TYPES;
  private state: DetectorState = initialDetectorState();
  /**
   * Findings of events already folded into the state whose append failed: appended first when the batch comes
   * again. No snapshot is saved while there are any, so a restart detects them again from an earlier one.
   */
  private unrecorded: Unrecorded[] = [];
  /** The last log position folded into the state. */
  private position: number | null = null;
  /**
   * The position an unusable snapshot had judged up to: events up to it are folded in without raising anything.
   * No snapshot is saved before the state has reached it, so a stop on the way leaves that snapshot, and its
   * position, in place.
   */
  private judgedUntil: number | null = null;
  private snapshotPosition: number | null = null;
  private snapshotSavedAtMs: number;
  private snapshotCostMs = 0;
  /** The types and versions it skipped and told of (`type@version`): once each. */
  private readonly skipped = new Set<string>();
  private ticker: NodeJS.Timeout | null = null;
  /** One call at a time (tick comes from a timer): a tick between two events of a batch, or during a restore, would judge half of it. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly thresholds: AnomalyThresholds,
    private readonly snapshots: DetectorSnapshotStore,
    private readonly options: SnapshotOptions = { snapshotEveryMs: DETECTOR_SNAPSHOT_EVERY_MS, now: Date.now },
  ) {
    this.snapshotSavedAtMs = options.now();
  }

  checkpoint(): Promise<number | null> {
    return this.inTurn(() => this.restore());
  }

  private async restore(): Promise<number | null> {
    const snapshot = await this.snapshots.load();
    const restored = snapshot && (await restoreDetectorSnapshot(snapshot.parts, this.thresholds));
    this.state = restored ?? initialDetectorState();
    this.unrecorded = [];
    this.position = restored ? snapshot.position : null;
    this.judgedUntil = snapshot && !restored ? snapshot.position : null;
    this.snapshotPosition = this.position;
    this.startTicking();
    return this.position;
  }

  handle(events: readonly RecordedEvent[]): Promise<void> {
    return this.inTurn(() => this.fold(events));
  }

  /**
   * The clock's one use: the hours of bursts (of addresses, of each account's expired keys) are closed and their
   * summaries raised when the clock is past their end (rules/burst-hours-by-clock.ts) and the log holds no event for the detector after its position
   * (an event of that hour still to fold would be left out; the next event closes the hour then, as ever). Not while
   * the state is rebuilt silently, nor with findings still to record (they go first, at the next event).
   */
  tick(): Promise<void> {
    return this.inTurn(async () => {
      if (this.judgedUntil !== null || this.unrecorded.length > 0) return;
      const nowMs = this.options.now();
      if (!burstHoursDue(this.state, nowMs)) return;
      const [pending] = await this.store.readAll({ after: this.position, maxCount: 1, types: this.eventTypes });
      if (pending !== undefined) return;
      const summaries = burstHoursPassed(this.state, nowMs);
      // The state changed with no position passed: saved at the next snapshot all the same.
      this.snapshotPosition = null;
      if (summaries.length === 0) return;
      this.unrecorded.push(...summaries.map((finding) => ({ finding, eventId: timeOrderedId(), tried: false })));
      await this.recordUnrecorded();
    });
  }

  stop(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }

  private startTicking(): void {
    const every = this.options.tickEveryMs;
    if (every === undefined || this.ticker !== null) return;
    this.ticker = setInterval(() => {
      this.tick().catch((error: unknown) => this.options.onTickError?.(error));
    }, every);
    this.ticker.unref();
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async fold(events: readonly RecordedEvent[]): Promise<void> {
    await this.recordUnrecorded();
    for (const event of events) {
      // Redelivered after a failed batch: already folded in, and counting it twice would skew every rule.
      if (this.position !== null && event.position <= this.position) continue;
      if (this.judgedUntil !== null && event.position > this.judgedUntil) this.rebuilt();
      const findings = this.reads(event) ? detect(this.state, event as unknown as DetectorInput, this.thresholds) : [];
      this.position = event.position;
      if (findings.length === 0 || this.alreadyJudged(event.position)) continue;
      this.unrecorded.push(...findings.map((finding) => ({ finding, eventId: timeOrderedId(), tried: false })));
      await this.recordUnrecorded();
    }
    await this.snapshotWhenDue();
  }

  saveCheckpoint(position: number): Promise<void> {
    return this.inTurn(async () => {
      if (this.position === null || position > this.position) this.position = position;
      await this.snapshotWhenDue();
    });
  }

  /**
   * The state holds traffic the log no longer does: it is rebuilt from the start of the log, silently up to `end`
   * (those events were judged, their alerts are in the log), judging only what comes after. Until the state has
   * reached `end` there is no snapshot: a stop on the way starts over from the start of the log, where findings
   * already recorded are refused again by their ids.
   */
  startOverWithin(end: number | null): Promise<null> {
    return this.inTurn(() => this.startOver(end));
  }

  private async startOver(end: number | null): Promise<null> {
    this.state = initialDetectorState();
    this.unrecorded = [];
    this.position = null;
    this.judgedUntil = end;
    this.snapshotPosition = null;
    await this.snapshots.clear();
    return null;
  }

  /** A last snapshot at stop; the snapshot store belongs to the storage it was opened from. */
  async close(): Promise<void> {
    this.stop();
    await this.inTurn(() => this.saveSnapshot());
  }

  private async snapshotWhenDue(): Promise<void> {
    const every = Math.max(this.options.snapshotEveryMs, SNAPSHOT_COST_FACTOR * this.snapshotCostMs);
    const now = this.options.now();
    // A clock stepped back since the last save (NTP): the interval runs from now, not from a save dated after it,
    // which held every snapshot back for the step's length (an hour's uses replayed more at the next start).
    if (now < this.snapshotSavedAtMs) this.snapshotSavedAtMs = now;
    if (now - this.snapshotSavedAtMs < every) return;
    try {
      await this.saveSnapshot();
    } catch (error) {
      this.snapshotSavedAtMs = this.options.now();
      this.options.onSnapshotError?.(error);
    }
  }

  private async saveSnapshot(): Promise<void> {
    if (this.position === null || this.position === this.snapshotPosition || this.unrecorded.length > 0) return;
    if (this.judgedUntil !== null && this.position < this.judgedUntil) return;
    if (this.judgedUntil !== null) this.rebuilt();
    const position = this.position;
    const startedMs = this.options.now();
    // In parts, made as the store writes them: the whole text, ~1.8 times the state, ran the thread out of heap at stop.
    await this.snapshots.save({ position, parts: detectorSnapshotParts(this.state, this.thresholds) });
    this.snapshotPosition = position;
    this.snapshotSavedAtMs = this.options.now();
    this.snapshotCostMs = this.snapshotSavedAtMs - startedMs;
  }

  /** Whether it reads the event: one of its types in a version it knows; else skipped, told once per type and version. */
  private reads(event: RecordedEvent): boolean {
    if (READ_VERSIONS[event.type]?.includes(event.schemaVersion)) return true;
    const what = `${event.type} (schema version ${event.schemaVersion})`;
    if (this.skipped.has(what)) return false;
    this.skipped.add(what);
    this.options.onSkipped?.(
      `Anomaly detector: ${what} at position ${event.position} was written by a newer version of the service, which this one cannot read: ` +
        'skipped, with every later one like it, until this instance is upgraded (docs/operations.md, "Upgrades")',
    );
    return false;
  }

  /**
   * The state has been rebuilt up to what was judged: from here on every event is judged. The key_expiring warnings
   * the rebuild found are owed again (rearmExpiryWarnings): their ids depend on no window a threshold shapes, so one
   * already in the log is refused, and one never recorded (the rule is newer than the snapshot) is recorded.
   */
  private rebuilt(): void {
    rearmExpiryWarnings(this.state, this.thresholds);
    this.judgedUntil = null;
  }

  private alreadyJudged(position: number): boolean {
    return this.judgedUntil !== null && position <= this.judgedUntil;
  }

  private async recordUnrecorded(): Promise<void> {
    while (this.unrecorded.length > 0) {
      await this.record(this.unrecorded[0]);
      this.unrecorded.shift();
    }
  }

  private async record(entry: Unrecorded): Promise<void> {
    const { finding, eventId } = entry;
    const streamId = anomalyStreamId(finding.alertId);
    const triedBefore = entry.tried;
    entry.tried = true;
    try {
      await this.store.appendToStream(streamId, [{ id: eventId, type: ANOMALY_DETECTED, schemaVersion: 1, data: { ...finding } }], 'no_stream');
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      // Refused as already recorded. After an attempt that threw (a timeout may have lost the answer of an append that
      // went through), the event the log holds may be that attempt's own, by its id: then the finding is ours to tell.
      // Otherwise a restart, a replay or another instance recorded it, and it was told there (or by no one: see the
      // metrics table in docs/operations.md).
      if (!triedBefore || !(await this.holdsOwnEvent(streamId, eventId))) return;
    }
    this.options.onRecorded?.(finding);
  }

  private async holdsOwnEvent(streamId: string, eventId: string): Promise<boolean> {
    const [recorded] = await this.store.readStream(streamId, { maxCount: 1 });
    return recorded?.id === eventId;
  }
}

/**
 * A finding not yet recorded, with the id its event is appended under at every attempt (so the log can tell this
 * projection's own append from another's), and whether an attempt already threw.
 */
interface Unrecorded {
  finding: AnomalyDetectedData;
  eventId: string;
  tried: boolean;
}
