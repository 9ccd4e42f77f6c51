import { KeyLimitReached } from './api-key-errors.js';

/** A change that would give an account more live keys (neither revoked nor past their end; disabled ones count). */
export interface KeysAdded {
  /** The account's live keys before the change, as far as the caller knows them. */
  live: number;
  /** Live keys the change adds: 1 for a creation or a roll with grace (both keys work until the grace ends), 0 for a roll without. */
  adding: number;
  /** MAX_KEYS_PER_ACCOUNT. */
  max: number;
  change: 'create' | 'roll';
}

/**
 * The account key limit: a change may not take an account past `max` live keys. A change adding none is never
 * refused, even in an account over its limit (the operator may have put it there): it makes nothing worse.
 */
export function requireRoomForKeys({ live, adding, max, change }: KeysAdded): void {
  if (adding > 0 && live + adding > max) throw new KeyLimitReached(max, change);
}
