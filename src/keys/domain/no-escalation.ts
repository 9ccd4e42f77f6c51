import { restrictionWithin } from './allowed-ips.js';
import { EscalationRefused } from './api-key-errors.js';
import type { KeyRateLimit } from './api-key-events.js';
import { missingPermissions } from './permissions.js';

/** Who acts, as far as escalation goes: the authenticating key's permissions, restriction, end and limit; null for the operator. */
export interface Actor {
  keyId: string;
  permissions: readonly string[];
  allowedIps: readonly string[];
  /** When the acting key stops working by time: its expiry or its roll's grace end, whichever is first; null for never. */
  endsAt: string | null;
  rateLimit: KeyRateLimit;
}

/** What a command gives a key, as far as escalation goes: a part left out is not being given. */
export interface Grant {
  permissions?: readonly string[];
  allowedIps?: readonly string[];
  /** The key's end (null: never). */
  expiresAt?: string | null;
  rateLimit?: KeyRateLimit;
}

/**
 * (n, t) is within (N, T) when it allows no larger burst (n ≤ N) and no higher rate (n/t ≤ N/T, compared as
 * n·T ≤ N·t, exact in integers). Both: the rate alone would let 10/1 s become 600/60 s, a burst of 600; the burst
 * alone would let 10/60 s become 10/1 s.
 */
export function rateLimitWithin(limit: KeyRateLimit, bound: KeyRateLimit): boolean {
  return limit.requests <= bound.requests && limit.requests * bound.perSeconds <= bound.requests * limit.perSeconds;
}

/**
 * No escalation: a key may give a key only what it holds itself: its permissions, addresses within its own, an
 * end no later than its own, a rate limit within its own. The operator (no acting key) is bounded by nothing.
 */
export function refuseEscalation(actor: Actor | null, grant: Grant, now: string): void {
  if (actor === null) return;
  const missing = missingPermissions(actor.permissions, grant.permissions ?? []);
  if (missing.length > 0) {
    throw new EscalationRefused(`This key may not grant permissions it does not hold: ${missing.join(', ')}.`);
  }
  if (grant.allowedIps !== undefined && !restrictionWithin(grant.allowedIps, actor.allowedIps)) {
    throw new EscalationRefused('This key may not grant use from addresses outside its own allowed_ips.');
  }
  if (grant.expiresAt !== undefined && !endWithin(grant.expiresAt, actor.endsAt, now)) {
    throw new EscalationRefused(`This key may not grant use beyond its own expires_at (${actor.endsAt}).`);
  }
  if (grant.rateLimit !== undefined && !rateLimitWithin(grant.rateLimit, actor.rateLimit)) {
    const { requests, perSeconds } = actor.rateLimit;
    throw new EscalationRefused(`This key may not grant a rate_limit above its own (${requests} requests per ${perSeconds} seconds).`);
  }
}

/** Never (null) is within no end; an acting key already past its end (a request that raced it) grants no time at all. */
function endWithin(expiresAt: string | null, actorEndsAt: string | null, now: string): boolean {
  if (actorEndsAt === null) return true;
  const end = Date.parse(actorEndsAt);
  return expiresAt !== null && Date.parse(expiresAt) <= end && Date.parse(now) < end;
}
