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
  firstUsedAt: string;
  lastUsedAt: string;
  lastIp: string | null;
  lastUserAgent: string | null;
  /** Requests per hour for the 48 hours up to the last use, oldest first. */
  hourly: HourlyCount[];
  /** Revision of the last usage event applied; guards against applying an event twice. */
  revision: number;
}

/** The part of a usage view a listing shows: read without the hourly series, which only the key's own page needs. */
export type KeyUsageSummary = Pick<KeyUsageView, 'accepted' | 'rateLimited' | 'lastUsedAt'>;

/** A summary with its key and its view's revision: what the summary table holds and is sent. */
export type KeyUsageSummaryEntry = KeyUsageSummary & Pick<KeyUsageView, 'keyId' | 'revision'>;

export function summaryEntry({ keyId, accepted, rateLimited, lastUsedAt, revision }: KeyUsageView): KeyUsageSummaryEntry {
  return { keyId, accepted, rateLimited, lastUsedAt, revision };
}

const HOURS_KEPT = 48;
const HOUR_MS = 3_600_000;

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function hourOf(iso: string): string {
  // The events' own toISOString() form: the hour is a prefix, no date parsing needed.
  if (CANONICAL_UTC.test(iso)) return `${iso.slice(0, 13)}:00:00.000Z`;
  return new Date(Math.floor(Date.parse(iso) / HOUR_MS) * HOUR_MS).toISOString();
}

/** Pure: the view after one more KeyUsed of the key's usage stream; a replayed event changes nothing. */
export function applyToKeyUsageView(view: KeyUsageView | undefined, recorded: RecordedEvent): KeyUsageView | undefined {
  if (view && recorded.revision <= view.revision) return view;
  const use = recorded.data as unknown as KeyUsedData;
  const hour = hourOf(use.usedAt);
  const later = !view || use.usedAt >= view.lastUsedAt;
  const hourly = addToHour(view?.hourly ?? [], hour);
  // Strings the kept view already holds are reused: a view is kept for long, and what it refers to with it.
  return {
    keyId: view?.keyId === use.keyId ? view.keyId : use.keyId,
    accountId: view?.accountId === use.accountId ? view.accountId : use.accountId,
    accepted: (view?.accepted ?? 0) + (use.outcome === 'accepted' ? 1 : 0),
    rateLimited: (view?.rateLimited ?? 0) + (use.outcome === 'rate_limited' ? 1 : 0),
    firstUsedAt: view && view.firstUsedAt < use.usedAt ? view.firstUsedAt : use.usedAt,
    lastUsedAt: later ? use.usedAt : view.lastUsedAt,
    lastIp: later ? use.ip : view.lastIp,
    lastUserAgent: later ? use.userAgent : view.lastUserAgent,
    hourly,
    revision: recorded.revision,
  };
}

/** Counts one request in its hour, keeping the buckets sorted and within HOURS_KEPT of the newest. */
function addToHour(hourly: HourlyCount[], hour: string): HourlyCount[] {
  const last = hourly[hourly.length - 1];
  // The common case, in log order: the same hour as the last use, or a later one. ISO strings sort as times.
  if (last && last.hour === hour) {
    const next = hourly.slice();
    next[next.length - 1] = { hour: last.hour, count: last.count + 1 };
    return next;
  }
  if (!last || last.hour < hour) {
    const oldestKept = new Date(Date.parse(hour) - (HOURS_KEPT - 1) * HOUR_MS).toISOString();
    return [...hourly.filter((h) => h.hour >= oldestKept), { hour, count: 1 }];
  }
  const next = hourly.map((h) => (h.hour === hour ? { hour, count: h.count + 1 } : h));
  if (!hourly.some((h) => h.hour === hour)) next.push({ hour, count: 1 });
  next.sort((a, b) => (a.hour < b.hour ? -1 : 1));
  const oldestKept = new Date(Date.parse(next[next.length - 1].hour) - (HOURS_KEPT - 1) * HOUR_MS).toISOString();
  return next.filter((h) => h.hour >= oldestKept);
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
