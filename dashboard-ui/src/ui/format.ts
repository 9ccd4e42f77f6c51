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

/** A character that shows something: the API's rule for a name (docs/api.md, Key names). */
const VISIBLE = /[^\p{Cc}\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;

/**
 * The key's name when it shows anything, else null: a name given before the API refused invisible ones (a lone
 * zero-width space, a Hangul filler) is still in the log, and would be an empty link or an empty heading.
 */
export function shownName(key: { name: string | null }): string | null {
  return key.name !== null && VISIBLE.test(key.name) ? key.name : null;
}

/** What to call a key in sentences and labels. */
export function keyLabel(key: { name: string | null; prefix: string }): string {
  const name = shownName(key);
  return name ? `“${name}” (${key.prefix}…)` : `${key.prefix}…`;
}

/** "distinctAddresses" → "distinct addresses". */
export function words(camelCase: string): string {
  return camelCase.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}
