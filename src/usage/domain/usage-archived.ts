import { KEY_USED, type KeyUsedData } from './key-used.js';

/**
 * The start of a key's usage stream was moved out of the log into an archive file (the operator's `archive-usage`):
 * its uses up to `throughRevision`, logged before `before`. Appended to the same stream before they are removed, it
 * carries what they add up to, from the stream's first use on, so that a read model rebuilt from the log once they
 * are gone counts them still. The uses themselves (and any earlier UsageArchived) are in the file, whose SHA-256 it
 * names.
 */
export const USAGE_ARCHIVED = 'UsageArchived';

/** Requests in one clock hour. */
export interface HourlyCount {
  /** Start of the hour, ISO-8601. */
  hour: string;
  count: number;
}

/** What a key's uses add up to: its usage view's figures, and what an archive records of the uses it moved. */
export interface ArchivedUsageTotals {
  accepted: number;
  rateLimited: number;
  /** Uses refused for the key's policies (a permission it lacks, an address it may not be used from). */
  refused: number;
  firstUsedAt: string;
  lastUsedAt: string;
  lastIp: string | null;
  lastUserAgent: string | null;
  /** Requests (uses of every outcome) per hour for the 48 hours up to the last use, oldest first. */
  hourly: HourlyCount[];
}

export interface UsageArchivedData {
  keyId: string;
  accountId: string;
  archivedAt: string;
  /** Every use logged before this instant (and none after) was archived. */
  before: string;
  /** The last revision of the stream archived: those from the stream's start to it are removed from the log. */
  throughRevision: number;
  /** How many events of the stream this archive moved (those earlier archives had moved not counted). */
  events: number;
  /** The archive file's name (without its directory) and its SHA-256, hex. */
  file: string;
  fileSha256: string;
  totals: ArchivedUsageTotals;
}

export interface UsageArchived {
  type: typeof USAGE_ARCHIVED;
  schemaVersion: 1;
  data: UsageArchivedData;
}

/** A use of the key, as opposed to the other events its usage stream holds (an archive's). */
export function isKeyUse(event: { type: string }): boolean {
  return event.type === KEY_USED;
}

/** The use's data when the event is a use of the key; null for the stream's other events. */
export function keyUseOf(event: { type: string; data: Record<string, unknown> }): KeyUsedData | null {
  return event.type === KEY_USED ? (event.data as unknown as KeyUsedData) : null;
}

/**
 * Where an archive meant to end at `through` ends: past the events that are not uses right after it (earlier
 * archives, a newer version's events), so that what the log holds of the stream afterwards starts with a use or with
 * the new archive itself. A read model rebuilt from the log folds uses from the first one held and adds the archive
 * whose last revision is just before it; one left starting with an earlier archive would count from there, and no
 * archive would end just before it. `events`: the stream in revision order, from at most `through` + 1 on.
 */
export function archiveEnd(events: Iterable<{ type: string; revision: number }>, through: number): number {
  let end = through;
  for (const event of events) {
    if (event.revision <= end) continue;
    if (event.revision !== end + 1 || isKeyUse(event)) break;
    end = event.revision;
  }
  return end;
}
