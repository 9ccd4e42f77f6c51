import type { RateLimit } from '../api/api-types.js';

const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const numberFormat = new Intl.NumberFormat();

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

export function exactTime(iso: string): string {
  return exactFormat.format(new Date(iso));
}

/** "just now", "5 minutes ago", "yesterday". */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(Math.round(seconds / 60), 'minute');
}

export function count(value: number): string {
  return numberFormat.format(value);
}

export function rateLimit(limit: RateLimit): string {
  return `${count(limit.requests)} per ${count(limit.per_seconds)} s`;
}

/** What to call a key in sentences and labels. */
export function keyLabel(key: { name: string | null; prefix: string }): string {
  return key.name ? `“${key.name}” (${key.prefix}…)` : `${key.prefix}…`;
}

/** "distinctAddresses" → "distinct addresses". */
export function words(camelCase: string): string {
  return camelCase.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}
