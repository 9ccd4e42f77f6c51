import { canonicalAddress } from '../../shared/domain/client-address.js';
import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { KEY_USED, type KeyUsedData } from '../domain/key-used.js';
import { type ArchivedUsageTotals, type HourlyCount, USAGE_ARCHIVED, type UsageArchivedData } from '../domain/usage-archived.js';

export type { HourlyCount } from '../domain/usage-archived.js';

/** Usage of one key, folded from its usage stream: its figures, and where they stand in the stream. */
export interface KeyUsageView extends ArchivedUsageTotals {
  keyId: string;
  accountId: string;
  /** Revision of the last usage event applied; guards against applying an event twice. */
  revision: number;
  /**
   * Where the figures count on without a gap: 0 when they count every use of the stream (absent in views written
   * before archives existed, which did). Greater after uses were archived out of the log, until the archive's
   * UsageArchived is folded: its totals then count every use before this revision.
   */
  countedFrom?: number;
  /** With countedFrom past a gap: what the figures counted before it, which the archive ending there replaces. */
  countedBeforeGap?: ArchivedUsageTotals | null;
  /** The last archive of the stream folded: uses logged before `before`, up to `throughRevision`, are in its file. */
  archive?: UsageArchiveMark | null;
}

/** Where the stream's last archive is, for a reader of the stream who needs what the archived uses added up to. */
export interface UsageArchiveMark {
  before: string;
  throughRevision: number;
  /** The UsageArchived event's own revision: one read of it gives the totals. */
  revision: number;
}

/** The part of a usage view a listing shows: read without the hourly series, which only the key's own page needs. */
export type KeyUsageSummary = Pick<KeyUsageView, 'accepted' | 'rateLimited' | 'refused' | 'lastUsedAt'>;

/** A summary with its key and its view's revision: what the summary table holds and is sent. */
export type KeyUsageSummaryEntry = KeyUsageSummary & Pick<KeyUsageView, 'keyId' | 'revision'>;

export function summaryEntry({ keyId, accepted, rateLimited, refused, lastUsedAt, revision }: KeyUsageView): KeyUsageSummaryEntry {
  return { keyId, accepted, rateLimited, refused, lastUsedAt, revision };
}

/**
 * Summaries as one flat list, `keyId, accepted, rateLimited, refused, lastUsedAt, revision` per view: how the projection
 * thread sends them to the request thread. Received as objects they cost the request thread ~1.1 µs each to
 * deserialize, as flat values ~0.23 (measured here, 500 to a message), and there is one per use.
 */
export type PackedUsageSummaries = (string | number)[];

export function packSummaries(views: readonly KeyUsageView[]): PackedUsageSummaries {
  const packed: PackedUsageSummaries = [];
  for (const { keyId, accepted, rateLimited, refused, lastUsedAt, revision } of views) packed.push(keyId, accepted, rateLimited, refused, lastUsedAt, revision);
  return packed;
}

/** How many values packSummaries gives each summary. */
export const PACKED_SUMMARY_LENGTH = 6;

const HOURS_KEPT = 48;
const HOUR_MS = 3_600_000;

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function hourOf(iso: string): string {
  // The events' own toISOString() form: the hour is a prefix, no date parsing needed.
  if (CANONICAL_UTC.test(iso)) return `${iso.slice(0, 13)}:00:00.000Z`;
  return new Date(Math.floor(Date.parse(iso) / HOUR_MS) * HOUR_MS).toISOString();
}

/**
 * The view after one more event of the key's usage stream: a new view for the stream's first use, else the view
 * given, changed in place (its revision advances); a replayed event changes nothing. In place because a view is
 * kept for long (ViewProjection's recent views) and a copy per use outlived the young generation.
 *
 * A use past a gap in the stream's revisions is counted on, and what was counted before the gap kept apart: the uses
 * of the gap were archived out of the log (a read model that read some of them before they went), and the archive's
 * UsageArchived, later in the same stream, puts what all of them added up to in its place (applyArchive). A gap no
 * archive ends (a newer version's event type, which this projection does not read) leaves the figures as counted.
 */
export function applyToKeyUsageView(view: KeyUsageView | undefined, recorded: RecordedEvent): KeyUsageView | undefined {
  if (view && recorded.revision <= view.revision) return view;
  if (!readsUsageEvent(recorded)) {
    // A newer version's event (a type, or a schema version of KeyUsed or UsageArchived, it does not know): not folded,
    // as its fields may have moved or changed meaning; the stream's revisions stay contiguous, so no gap is seen past it.
    if (view) view.revision = recorded.revision;
    return view;
  }
  if (recorded.type === USAGE_ARCHIVED) return applyArchive(view, recorded);
  const use = recorded.data as unknown as KeyUsedData;
  if (!view) return firstUse(use, recorded.revision);
  if (recorded.revision > view.revision + 1) markGap(view, recorded.revision);
  countUse(view, use);
  view.revision = recorded.revision;
  return view;
}

/**
 * Whether the fold reads the event: KeyUsed or UsageArchived in the schema version this version writes (1). Another
 * version is a newer one's: folded as if known, a KeyUsed without `usedAt` stopped the key-usage projection for good
 * (every key's usage stood still, and a replay failed) on an error at every retry.
 */
export function readsUsageEvent(recorded: Pick<RecordedEvent, 'type' | 'schemaVersion'>): boolean {
  return (recorded.type === KEY_USED || recorded.type === USAGE_ARCHIVED) && recorded.schemaVersion === 1;
}

function firstUse(use: KeyUsedData, revision: number): KeyUsageView {
  return {
    keyId: use.keyId,
    accountId: use.accountId,
    accepted: use.outcome === 'accepted' ? 1 : 0,
    rateLimited: use.outcome === 'rate_limited' ? 1 : 0,
    refused: use.outcome === 'refused' ? 1 : 0,
    firstUsedAt: use.usedAt,
    lastUsedAt: use.usedAt,
    lastIp: addressOf(use),
    lastUserAgent: use.userAgent,
    hourly: [{ hour: hourOf(use.usedAt), count: 1 }],
    revision,
    countedFrom: revision,
    countedBeforeGap: null,
    archive: null,
  };
}

/** The figures so far are kept apart: an archive ending just before `revision` replaces them with its totals. */
function markGap(view: KeyUsageView, revision: number): void {
  view.countedBeforeGap = totalsOf(view);
  view.countedFrom = revision;
}

function countUse(view: KeyUsageView, use: KeyUsedData): void {
  if (use.outcome === 'accepted') view.accepted += 1;
  else if (use.outcome === 'rate_limited') view.rateLimited += 1;
  else if (use.outcome === 'refused') view.refused += 1;
  if (use.usedAt < view.firstUsedAt) view.firstUsedAt = use.usedAt;
  if (use.usedAt >= view.lastUsedAt) {
    view.lastUsedAt = use.usedAt;
    // The kept view's own strings when they are equal: what it refers to stays as long as it does.
    // A use from the last address (recorded canonical since 2026-12-05) needs no reading again.
    if (use.ip !== view.lastIp) view.lastIp = addressOf(use);
    if (use.userAgent !== view.lastUserAgent) view.lastUserAgent = use.userAgent;
  }
  countInHour(view.hourly, hourOf(use.usedAt));
}

/**
 * An archive of the stream's start: a view whose figures already count those uses (from revision 0, or from an
 * earlier archive) only notes it; one that counts from just after them (its uses read past the gap they left) adds
 * their totals; and a key whose every use was archived gets its view from them. A view counting from anywhere else
 * was started over by a gap another archive of the stream explains, later in it.
 */
function applyArchive(view: KeyUsageView | undefined, recorded: RecordedEvent, gapsSeen = true): KeyUsageView {
  const archived = recorded.data as unknown as UsageArchivedData;
  const archive: UsageArchiveMark = { before: archived.before, throughRevision: archived.throughRevision, revision: recorded.revision };
  if (!view) return { ...viewOfTotals(archived.keyId, archived.accountId, archived.totals, recorded.revision), archive };
  // archiveEnd makes an archive the first event held after a gap only when the gap is its own.
  if (gapsSeen && recorded.revision > view.revision + 1) markGap(view, recorded.revision);
  if ((view.countedFrom ?? 0) === archived.throughRevision + 1) replaceCountedStart(view, archived.totals);
  // The last use is among the archived ones: its address and user agent leave with it (docs/personal-data.md).
  if (view.lastUsedAt <= archived.totals.lastUsedAt) forgetLastClient(view);
  view.archive = archive;
  view.revision = recorded.revision;
  return view;
}

/** The view of the uses an archive moved, as if its last one had just been folded (revision: the archive's through). */
export function viewOfTotals(keyId: string, accountId: string, totals: ArchivedUsageTotals, revision: number): KeyUsageView {
  // Archives before 2026-12-07 carried the last address and user agent in their totals: not taken from there.
  const view: KeyUsageView = { keyId, accountId, ...totals, hourly: totals.hourly.map((h) => ({ ...h })), revision, countedFrom: 0, countedBeforeGap: null, archive: null };
  forgetLastClient(view);
  return view;
}

function forgetLastClient(view: KeyUsageView): void {
  view.lastIp = null;
  view.lastUserAgent = null;
}

/**
 * The archive's totals in place of what the view counted before its gap (nothing, for a view that began past the gap):
 * they count every use up to it. The first and last use need no taking apart: those counted before the gap are among
 * the archive's.
 */
function replaceCountedStart(view: KeyUsageView, totals: ArchivedUsageTotals): void {
  const before = view.countedBeforeGap;
  if (before) {
    view.accepted -= before.accepted;
    view.rateLimited -= before.rateLimited;
    view.refused -= before.refused;
    for (const { hour, count } of before.hourly) {
      const index = view.hourly.findIndex((bucket) => bucket.hour === hour);
      if (index < 0) continue;
      view.hourly[index].count -= count;
      if (view.hourly[index].count <= 0) view.hourly.splice(index, 1);
    }
  }
  view.accepted += totals.accepted;
  view.rateLimited += totals.rateLimited;
  view.refused += totals.refused;
  if (totals.firstUsedAt < view.firstUsedAt) view.firstUsedAt = totals.firstUsedAt;
  if (totals.lastUsedAt > view.lastUsedAt) view.lastUsedAt = totals.lastUsedAt;
  for (const { hour, count } of totals.hourly) countInHour(view.hourly, hour, count);
  view.countedFrom = 0;
  view.countedBeforeGap = null;
}

/** What the view's figures add up to, as an archive of its uses records them. */
export function totalsOf(view: KeyUsageView): ArchivedUsageTotals {
  const { accepted, rateLimited, refused, firstUsedAt, lastUsedAt, lastIp, lastUserAgent, hourly } = view;
  return { accepted, rateLimited, refused, firstUsedAt, lastUsedAt, lastIp, lastUserAgent, hourly: hourly.map((h) => ({ ...h })) };
}

/** Counts requests (one by default) in their hour, keeping the buckets sorted and within HOURS_KEPT of the newest. */
function countInHour(hourly: HourlyCount[], hour: string, count = 1): void {
  const last = hourly[hourly.length - 1];
  // The common case, in log order: the same hour as the last use, or a later one. ISO strings sort as times.
  if (last && last.hour === hour) {
    last.count += count;
    return;
  }
  if (!last || last.hour < hour) hourly.push({ hour, count });
  else {
    const bucket = hourly.find((h) => h.hour === hour);
    if (bucket) {
      bucket.count += count;
      return;
    }
    hourly.push({ hour, count });
    hourly.sort((a, b) => (a.hour < b.hour ? -1 : 1));
  }
  const oldestKept = new Date(Date.parse(hourly[hourly.length - 1].hour) - (HOURS_KEPT - 1) * HOUR_MS).toISOString();
  let older = 0;
  while (older < hourly.length && hourly[older].hour < oldestKept) older++;
  if (older > 0) hourly.splice(0, older);
}

/** Requests per hour for the 24 hours ending with the hour of `now`, zeros included, oldest first. */
export function last24Hours(view: KeyUsageView | undefined, now: Date): HourlyCount[] {
  const current = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const counts = new Map((view?.hourly ?? []).map((h) => [h.hour, h.count]));
  return Array.from({ length: 24 }, (_, i) => {
    const hour = new Date(current - (23 - i) * HOUR_MS).toISOString();
    return { hour, count: counts.get(hour) ?? 0 };
  });
}

/** The use's address in canonical form: uses recorded before 2026-12-05 hold it as the client wrote it. */
function addressOf(use: KeyUsedData): string | null {
  return use.ip === null ? null : canonicalAddress(use.ip);
}

/**
 * What the stream's uses up to `throughRevision` add up to, from the events it holds now (read in revision order):
 * its uses up to there, and its archives wherever they are, which bring the uses earlier archives moved. What an
 * archive through that revision records, so that a read model that never saw those uses counts them all the same.
 */
export function usageThrough(events: Iterable<RecordedEvent>, throughRevision: number, start?: KeyUsageView): KeyUsageView | undefined {
  let view = start;
  for (const event of events) {
    if (event.revision <= throughRevision) view = applyToKeyUsageView(view, event);
    // The uses between are left out on purpose: no gap.
    else if (event.type === USAGE_ARCHIVED && readsUsageEvent(event) && (!view || event.revision > view.revision)) view = applyArchive(view, event, false);
  }
  return view;
}
