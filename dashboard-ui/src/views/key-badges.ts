import type { ApiKey } from '../api/api-types.js';
import { type Child, el } from '../ui/dom.js';
import { exactTime, relativeTime } from '../ui/format.js';

/** The key_expiring alert's default warning (expiryWarningHours, 168): a week. */
const EXPIRY_WARNING_MS = 7 * 86_400_000;

/** Active or disabled: a key that still works, or can again; revoked and expired ones are past changing. */
export function isLive(key: Pick<ApiKey, 'status'>): boolean {
  return key.status === 'active' || key.status === 'disabled';
}

function statusBadge(key: Pick<ApiKey, 'status'>): HTMLElement {
  return el('span', { class: `badge badge--${key.status}`, text: key.status });
}

export function sessionBadge(): HTMLElement {
  return el('span', { class: 'badge badge--session', text: 'this tab’s key' });
}

/** A key that still works and ends within a week: when, in words, so what needs renewing stands out in the list. */
export function expiryBadge(key: Pick<ApiKey, 'status' | 'expires_at'>, now = Date.now()): HTMLElement | null {
  if (key.expires_at === null || !isLive(key)) return null;
  const left = Date.parse(key.expires_at) - now;
  if (!(left > 0 && left <= EXPIRY_WARNING_MS)) return null;
  // The instant in a <time>, as every other time: the words alone ("in 2 days") are all a screen reader or a script could read.
  return el(
    'span',
    { class: 'badge badge--expiring' },
    'expires ',
    el('time', { attrs: { datetime: key.expires_at }, text: relativeTime(key.expires_at, now) }),
  );
}

/**
 * The status badge, and the expiry badge when the key ends within a week, with its exact time as text below it: a title (until 2026-12-07) reached a
 * mouse's hover only. A key's page leaves it out (`exactShownBeside`): its Expires fact shows it already.
 */
export function statusBadges(key: Pick<ApiKey, 'status' | 'expires_at'>, options: { exactShownBeside?: boolean } = {}): Child[] {
  const expiring = expiryBadge(key);
  if (!expiring || key.expires_at === null) return [statusBadge(key)];
  if (options.exactShownBeside) return [statusBadge(key), ' ', expiring];
  return [statusBadge(key), ' ', expiring, el('span', { class: 'exact exact--expiry', text: exactTime(key.expires_at) })];
}
