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

/** The bidirectional controls the API refuses in a name (docs/api.md, Key names). */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * The text with each bidirectional control shown as its code (`\u202E`), as the CLI shows them: one in a use's path or
 * user agent (verify takes what a gateway sends) or in a name given before the API refused them reversed the page's own
 * words after it ("from 203.0.113.7: accepted" read "detpecca :7.311.0.302 morf", another address).
 */
export function bidiControlsShown(text: string): string {
  return text.replace(BIDI_CONTROLS, (control) => `\\u${control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** A character that shows something: the API's rule for a name (docs/api.md, Key names). */
const VISIBLE = /[^\p{Cc}\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;

/**
 * The key's name when it shows anything (its bidirectional controls as their codes), else null: a name given before the API refused invisible ones (a lone
 * zero-width space, a Hangul filler) is still in the log, and would be an empty link or an empty heading.
 */
export function shownName(key: { name: string | null }): string | null {
  return key.name !== null && VISIBLE.test(key.name) ? bidiControlsShown(key.name) : null;
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
