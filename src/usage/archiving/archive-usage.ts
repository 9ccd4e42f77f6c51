import { ALERT_ARCHIVED, type AlertArchived } from '../../anomalies/domain/alert-archived.js';
import { ANOMALY_DETECTED, ANOMALY_STREAM_PREFIX, type AnomalyDetectedData } from '../../anomalies/domain/anomaly.js';
import type { EventStore, EventToAppend, RecordedEvent, StreamAppend } from '../../shared/event-store/event-store.port.js';
import { AUTHENTICATION_FAILURES_STREAM_PREFIX } from '../domain/authentication-failed.js';
import { KEY_USAGE_STREAM_PREFIX } from '../domain/key-used.js';
import { isKeyUse, USAGE_ARCHIVED, type UsageArchived } from '../domain/usage-archived.js';
import { applyToKeyUsageView, type KeyUsageView, readsUsageEvent, totalsOf, usageThrough } from '../projection/key-usage-view.js';
import type { FinishedUsageArchive, UsageArchiveFile, UsageArchiveFiles } from './usage-archive-file.port.js';

export const DAY_MS = 86_400_000;
/**
 * The youngest `before` a run takes: longer than a roll's longest grace (7 days) and the hour a use may be logged
 * late, so what reads recent uses from the log (a rolled key's figures since its roll, the idle check, an as_of
 * within them) never meets an archived one.
 */
export const MIN_ARCHIVE_AGE_MS = 8 * DAY_MS;
/**
 * Clocks of the instances that logged (each dates what it appends) may disagree by this much: the pass over the log
 * stops at the first event logged this long after `before`, past which no event can have been logged before it.
 * An event dated more than this after the run's `now` was dated by a clock stepped ahead: it does not stop the pass
 * (it stopped every run until its date came, so one glitch dated years ahead ended archiving there for years).
 */
const CLOCKS_MARGIN_MS = 3_600_000;
const PAGE = 5000;
const APPENDS_PER_BATCH = 500;

export interface ArchiveUsageOptions {
  before: Date;
  now: Date;
  /** Count what would be archived; write, append and remove nothing. */
  dryRun?: boolean;
  onWarning?(message: string): void;
  /** Asked between pages and before the log is changed: an error stops the run there (its file removed). */
  interrupted?(): Error | null;
  /** Told once the run starts to change the log (appends its archives, then removes): it is no longer stopped. */
  onChangingLog?(): void;
}

export interface UsageArchiveReport {
  before: string;
  /** Null on a dry run, or when nothing was logged before `before`. */
  file: FinishedUsageArchive | null;
  /** Events moved out of the log: uses and earlier archives of key usage streams, failed authentications, and alerts. */
  events: number;
  usageStreams: number;
  failureStreams: number;
  /** Alerts (AnomalyDetected) moved out of the log: their evidence is drawn from the uses and failures moved with them. */
  alerts: number;
  /** What the store removed, where it says at once (EventStoreDB removes them at its next scavenge: null). */
  removed: number | null;
  /**
   * Streams with events to archive that an operator deleted (EventStoreDB's tombstone, or a delete without one): left
   * out, their events neither in the file nor marked archived (no append to a tombstoned one can succeed, and one to a
   * soft-deleted one would recreate it, its archive bringing back the totals of the uses deleted); `$all` holds them
   * until the server's next scavenge.
   */
  deletedStreams: string[];
}

/** The start of one stream, as the pass over the log finds it: its events logged before `before`, from its first held. */
interface StreamStart {
  kind: 'usage' | 'failures' | 'alert';
  /** The last revision archived (first held − 1 until one is). */
  through: number;
  events: number;
  /** An event logged at or after `before` was met: nothing after it is archived. */
  closed: boolean;
  /** For a usage stream: the fold of what is archived, which its archive's totals record. */
  view?: KeyUsageView;
  /** For a usage stream: the first event to archive that this version cannot read (a newer version's), which no totals would count. */
  unreadable?: RecordedEvent;
  /** For an alert stream: the alert archived, which its AlertArchived names. */
  alert?: AnomalyDetectedData;
  /** For an alert stream: its AnomalyDetected is still read though an earlier run archived it. */
  archivedBefore?: true;
  /** Deleted for good (EventStoreDB's tombstone): nothing of it is taken. */
  deleted?: true;
}

/** The run's `before` is not old enough (MIN_ARCHIVE_AGE_MS). */
export class ArchiveTooRecent extends Error {}

/**
 * Moves what the log holds of key usage and failed authentications logged before `before` into one archive file, then
 * out of the log: each key's usage stream gets a UsageArchived with what its archived uses add up to (its usage views,
 * rebuilt from the log, count them all the same), appended before anything is removed, and the file is complete on
 * disk before either. A run cut short anywhere leaves the log as it was or with archives whose uses are still there
 * (run it again: its file holds them again). Lifecycle events are never archived: they are the keys' audit trail.
 */
export async function archiveUsage(store: EventStore, files: UsageArchiveFiles, options: ArchiveUsageOptions): Promise<UsageArchiveReport> {
  const { before, now } = options;
  if (before.getTime() > now.getTime() - MIN_ARCHIVE_AGE_MS) {
    throw new ArchiveTooRecent(`before must be at least ${MIN_ARCHIVE_AGE_MS / DAY_MS} days ago (${new Date(now.getTime() - MIN_ARCHIVE_AGE_MS).toISOString()} or earlier)`);
  }
  const archivedAt = now.toISOString();
  for (const path of await files.leftBehind()) {
    options.onWarning?.(`${path} is the unfinished file of an earlier run that was stopped (killed): none of its events left the log; delete it`);
  }
  const archives = await archivesByStream(store);
  const archivedAlerts = await archivedAlertStreams(store);
  // Made at the first event to archive: a run that finds nothing touches no file (and so runs on a read-only --dir).
  const made: { file: UsageArchiveFile | null } = { file: null };
  const write = async (event: RecordedEvent) => {
    if (options.dryRun) return;
    made.file ??= await files.create({ before: before.toISOString(), archivedAt });
    await made.file.write(event);
  };
  // Once the appends begin, the log's archives may name the file: it stays whatever happens next.
  let appending = false;
  try {
    const stopIfAsked = () => {
      const error = options.interrupted?.();
      if (error) throw error;
    };
    const starts = await startsLoggedBefore(store, { before: before.getTime(), now: now.getTime() }, { write, stopIfAsked, archivedAlerts });
    await extendPastArchives(store, starts, write);
    const totals = usageTotals(starts, archives, options.onWarning);
    const archived = [...starts].filter(([streamId, start]) => start.events > 0 && (start.kind !== 'usage' || totals.has(streamId)));
    const events = archived.reduce((sum, [, start]) => sum + start.events, 0);
    const failureStreams = archived.filter(([, start]) => start.kind === 'failures').length;
    const alerts = archived.filter(([, start]) => start.kind === 'alert').length;
    const file = made.file;
    // Alerts an earlier run archived whose AnomalyDetected is still read (that run cut short before its removal; on
    // EventStoreDB, `$all` before the scavenge): in that run's file, named by their AlertArchived, they are only removed.
    const leftovers = options.dryRun ? [] : unremovedArchivedAlerts(starts, archivedAlerts);
    const deletedStreams = [...starts].filter(([, start]) => start.deleted).map(([streamId]) => streamId);
    if (events === 0 || file === null) {
      await file?.abandon();
      const removed = await removeStarts(store, leftovers);
      return { before: before.toISOString(), file: null, events, usageStreams: totals.size, failureStreams, alerts, removed, deletedStreams };
    }
    const finished = await file.finish();
    stopIfAsked();
    appending = true;
    options.onChangingLog?.();
    await appendArchives(store, starts, totals, { before: before.toISOString(), archivedAt, file: finished });
    const removed = await removeStarts(store, [...archived, ...leftovers]);
    return { before: before.toISOString(), file: finished, events, usageStreams: totals.size, failureStreams, alerts, removed, deletedStreams };
  } catch (error) {
    if (!appending) await made.file?.abandon();
    throw error;
  }
}

/** The archives the log holds, by stream: an archive brings the totals of uses earlier runs moved. */
async function archivesByStream(store: EventStore): Promise<Map<string, RecordedEvent[]>> {
  const found = new Map<string, RecordedEvent[]>();
  for (let after: number | null = null; ; ) {
    const page = await store.readAll({ after, maxCount: PAGE, types: [USAGE_ARCHIVED] });
    for (const event of page) found.set(event.streamId, [...(found.get(event.streamId) ?? []), event]);
    if (page.length < PAGE) return found;
    after = page[page.length - 1].position;
  }
}

/** The alert streams whose alert an earlier run archived, and the revision of its AlertArchived. */
async function archivedAlertStreams(store: EventStore): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let after: number | null = null; ; ) {
    const page = await store.readAll({ after, maxCount: PAGE, types: [ALERT_ARCHIVED] });
    for (const event of page) if (!found.has(event.streamId)) found.set(event.streamId, event.revision);
    if (page.length < PAGE) return found;
    after = page[page.length - 1].position;
  }
}

function kindOf(streamId: string): StreamStart['kind'] | null {
  if (streamId.startsWith(KEY_USAGE_STREAM_PREFIX)) return 'usage';
  if (streamId.startsWith(AUTHENTICATION_FAILURES_STREAM_PREFIX)) return 'failures';
  if (streamId.startsWith(ANOMALY_STREAM_PREFIX)) return 'alert';
  return null;
}

/**
 * One pass over the log in order: each usage and failures stream's events from its first held on, while logged before
 * `before`, and each alert logged before it (this version's AnomalyDetected: a newer version's stays in the log). A
 * stream deleted for good is left out: until 2026-12-07 its uses went into the file, then the append of its archive was
 * refused (AppendRefusedError, stream_deleted), failing that run and every later one until the server's scavenge. So is one
 * deleted without a tombstone (EventStoreDB's soft delete): until 2026-12-07 its uses went into the file and its archive's
 * append recreated the stream, the key's page counting the deleted uses again.
 */
async function startsLoggedBefore(
  store: EventStore,
  { before, now }: { before: number; now: number },
  pass: { write: (event: RecordedEvent) => Promise<void>; stopIfAsked: () => void; archivedAlerts: ReadonlyMap<string, number> },
): Promise<Map<string, StreamStart>> {
  const { write, stopIfAsked, archivedAlerts } = pass;
  const starts = new Map<string, StreamStart>();
  for (let after: number | null = null; ; ) {
    stopIfAsked();
    const page = await store.readAll({ after, maxCount: PAGE });
    const deleted = await deletedAmongNew(store, page, starts, before);
    for (const event of page) {
      const recordedAt = Date.parse(event.recordedAt);
      if (recordedAt >= before + CLOCKS_MARGIN_MS && recordedAt <= now + CLOCKS_MARGIN_MS) return starts;
      const kind = kindOf(event.streamId);
      if (kind === null) continue;
      let start = starts.get(event.streamId);
      if (!start) {
        start = { kind, through: event.revision - 1, events: 0, closed: deleted.has(event.streamId) };
        if (start.closed) start.deleted = true;
        starts.set(event.streamId, start);
      }
      if (start.closed) continue;
      const alertLeftInLog = kind === 'alert' && (event.type !== ANOMALY_DETECTED || event.schemaVersion !== 1 || archivedAlerts.has(event.streamId));
      if (recordedAt >= before || alertLeftInLog) {
        if (recordedAt < before && event.type === ANOMALY_DETECTED && archivedAlerts.has(event.streamId)) start.archivedBefore = true;
        start.closed = true;
        continue;
      }
      await take(start, event, write);
    }
    if (page.length < PAGE) return starts;
    after = page[page.length - 1].position;
  }
}

/** Of the streams the page brings with events to archive that the pass has not met yet, those deleted for good. */
async function deletedAmongNew(store: EventStore, page: readonly RecordedEvent[], starts: ReadonlyMap<string, StreamStart>, before: number): Promise<ReadonlySet<string>> {
  if (!store.deletedStreams) return new Set();
  const met = new Set(page.filter((event) => !starts.has(event.streamId) && kindOf(event.streamId) !== null && Date.parse(event.recordedAt) < before).map((event) => event.streamId));
  return met.size === 0 ? met : store.deletedStreams([...met]);
}

async function take(start: StreamStart, event: RecordedEvent, write: (event: RecordedEvent) => Promise<void>): Promise<void> {
  await write(event);
  start.through = event.revision;
  start.events += 1;
  if (start.kind === 'alert') start.alert = event.data as unknown as AnomalyDetectedData;
  if (start.kind !== 'usage') return;
  if (!readsUsageEvent(event)) start.unreadable ??= event;
  start.view = applyToKeyUsageView(start.view, event);
}

/** archiveEnd, read from the log: each usage stream's archive also takes the events right after it that are not uses. */
async function extendPastArchives(store: EventStore, starts: Map<string, StreamStart>, write: (event: RecordedEvent) => Promise<void>): Promise<void> {
  for (const [streamId, start] of starts) {
    if (start.kind !== 'usage' || start.events === 0) continue;
    for (let more = true; more; ) {
      const next = await store.readStream(streamId, { fromRevision: start.through + 1, maxCount: 16 });
      more = next.length === 16;
      for (const event of next) {
        if (event.revision !== start.through + 1 || isKeyUse(event)) {
          more = false;
          break;
        }
        await take(start, event, write);
      }
    }
  }
}

/**
 * What each usage stream's archived uses add up to: its archived events' fold, and the archives after them that bring
 * the uses earlier runs moved. A stream whose figures cannot be accounted for from its start is left whole.
 */
function usageTotals(starts: Map<string, StreamStart>, archives: Map<string, RecordedEvent[]>, warn = (_message: string) => {}): Map<string, KeyUsageView> {
  const totals = new Map<string, KeyUsageView>();
  for (const [streamId, start] of starts) {
    if (start.kind !== 'usage' || start.events === 0) continue;
    if (start.unreadable) {
      // Its totals would leave that event out, and an upgraded version reads the totals, not the file: it stays counted only in the log.
      const { type, schemaVersion, revision } = start.unreadable;
      warn(`${streamId}: ${type} (schema version ${schemaVersion}) at revision ${revision} was written by a newer version of the service, which this one cannot read; its start was left in the log`);
      continue;
    }
    const later = (archives.get(streamId) ?? []).filter((event) => event.revision > start.through);
    const view = usageThrough(later, start.through, start.view);
    if (view === undefined) continue;
    if ((view.countedFrom ?? 0) !== 0) {
      warn(`${streamId}: the uses before revision ${view.countedFrom} are in no archive the log holds; its start was left in the log`);
      continue;
    }
    totals.set(streamId, view);
  }
  return totals;
}

async function appendArchives(
  store: EventStore,
  starts: Map<string, StreamStart>,
  totals: Map<string, KeyUsageView>,
  run: { before: string; archivedAt: string; file: FinishedUsageArchive },
): Promise<void> {
  const appends: StreamAppend[] = [...totals].map(([streamId, view]) => {
    const start = starts.get(streamId)!;
    const archived: UsageArchived = {
      type: USAGE_ARCHIVED,
      schemaVersion: 1,
      data: {
        keyId: view.keyId,
        accountId: view.accountId,
        archivedAt: run.archivedAt,
        before: run.before,
        throughRevision: start.through,
        events: start.events,
        file: run.file.name,
        fileSha256: run.file.sha256,
        // Counts and times only: an archived use's address and user agent leave the log with it (docs/personal-data.md).
        totals: { ...totalsOf(view), lastIp: null, lastUserAgent: null },
      },
    };
    return { streamId, events: [archived as unknown as EventToAppend], expectedRevision: 'any' as const };
  });
  for (const [streamId, start] of starts) {
    if (start.kind !== 'alert' || start.alert === undefined) continue;
    const { alertId, rule, windowStart, windowEnd, detectedAt } = start.alert;
    const archived: AlertArchived = {
      type: ALERT_ARCHIVED,
      schemaVersion: 1,
      data: { alertId, rule, windowStart, windowEnd, detectedAt, archivedAt: run.archivedAt, before: run.before, file: run.file.name, fileSha256: run.file.sha256 },
    };
    appends.push({ streamId, events: [archived as unknown as EventToAppend], expectedRevision: 'any' });
  }
  for (let from = 0; from < appends.length; from += APPENDS_PER_BATCH) await store.appendToStreams(appends.slice(from, from + APPENDS_PER_BATCH));
}

/** Only once every archive is in the log: a usage stream without one (left whole) is not among them. */
async function removeStarts(store: EventStore, archived: ReadonlyArray<[string, StreamStart]>): Promise<number | null> {
  let removed: number | null = 0;
  for (const [streamId, start] of archived) {
    const count = await store.removeStreamStart(streamId, start.through + 1);
    removed = count === null || removed === null ? null : removed + count;
  }
  return removed;
}

/** Alert streams whose AnomalyDetected the pass met though an earlier run's AlertArchived follows it: removed up to that archive. */
function unremovedArchivedAlerts(starts: ReadonlyMap<string, StreamStart>, archivedAlerts: ReadonlyMap<string, number>): Array<[string, StreamStart]> {
  const leftovers: Array<[string, StreamStart]> = [];
  for (const [streamId, start] of starts) {
    const archivedAt = archivedAlerts.get(streamId);
    if (start.archivedBefore && archivedAt !== undefined) {
      leftovers.push([streamId, { ...start, through: archivedAt - 1 }]);
    }
  }
  return leftovers;
}
