import { canonicalAddress } from '../../shared/domain/client-address.js';
import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { KeyUsedData } from '../domain/key-used.js';

export interface HourlyCount {
  /** Start of the hour, ISO-8601. */
  hour: string;
  count: number;
}

/** Usage of one key, folded from its usage stream. */
export interface KeyUsageView {
  keyId: string;
  accountId: string;
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
  /** Revision of the last usage event applied; guards against applying an event twice. */
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
 * The view after one more KeyUsed of the key's usage stream: a new view for the stream's first, else the view
 * given, changed in place (its revision advances); a replayed event changes nothing. In place because a view is
 * kept for long (ViewProjection's recent views) and a copy per use outlived the young generation.
 */
export function applyToKeyUsageView(view: KeyUsageView | undefined, recorded: RecordedEvent): KeyUsageView {
  const use = recorded.data as unknown as KeyUsedData;
  if (!view) {
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
      revision: recorded.revision,
    };
  }
  if (recorded.revision <= view.revision) return view;
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
  view.revision = recorded.revision;
  return view;
}

/** Counts one request in its hour, keeping the buckets sorted and within HOURS_KEPT of the newest. */
function countInHour(hourly: HourlyCount[], hour: string): void {
  const last = hourly[hourly.length - 1];
  // The common case, in log order: the same hour as the last use, or a later one. ISO strings sort as times.
  if (last && last.hour === hour) {
    last.count += 1;
    return;
  }
  if (!last || last.hour < hour) hourly.push({ hour, count: 1 });
  else {
    const bucket = hourly.find((h) => h.hour === hour);
    if (bucket) {
      bucket.count += 1;
      return;
    }
    hourly.push({ hour, count: 1 });
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
