import { type KeyUsageSummary, type KeyUsageView, last24Hours } from '../../usage/projection/key-usage-view.js';
import { effectiveExpiry } from '../domain/api-key-decider.js';
import type { KeyRateLimit } from '../domain/api-key-events.js';
import { type ApiKeyView, type KeyRotationView, keyStatusAt } from '../projection/api-key-view.js';
import type { ApiKeyDetailResponse, ApiKeyResponse, KeyRotationResponse, RateLimitResponse } from './api-key.response.js';

// Apart from the response classes, whose OpenAPI decorators load @nestjs/swagger: the CLI prints the same
// objects without loading it.

export const presentRateLimit = (limit: KeyRateLimit): RateLimitResponse => ({
  requests: limit.requests,
  per_seconds: limit.perSeconds,
});

/**
 * The roll of a key, its grace end capped at the key's own expiry, as the roll caps it: an expiry brought inside the
 * grace later (a PATCH) ends the grace then too, and the answer no longer names a later end the key never reaches.
 */
export const presentRotation = (rotation: KeyRotationView | null, expiresAt: string | null): KeyRotationResponse | null =>
  rotation === null
    ? null
    : {
        successor_id: rotation.successorKeyId,
        rolled_at: rotation.rolledAt,
        grace_ends_at: effectiveExpiry({ expiresAt, rolled: rotation }) ?? rotation.graceEndsAt,
        close_when_idle_seconds: rotation.closeWhenIdleSeconds,
      };

/** The key's traffic since its roll, as GET /v1/api-keys/{id} shows it. */
export interface TrafficSinceRoll {
  uses: number;
  lastUsedAt: string | null;
  addresses: string[];
  /** How many different addresses: `addresses` lists the most recent 20 of them. */
  addressCount: number;
}

/**
 * The key as it is at `now` (a key past its end is expired, whether or not its event is in yet). Beyond the view it
 * reads only the status at `now` and the usage's count and last use: what ListedKeyJson keeps a listed key's JSON by
 * (reading more of either here means keeping the JSON by it there too).
 */
export function presentApiKey(view: ApiKeyView, usage: KeyUsageSummary | undefined, now: Date = new Date()): ApiKeyResponse {
  return {
    id: view.id,
    name: view.name,
    prefix: view.prefix,
    status: keyStatusAt(view, now),
    disabled: view.disabled,
    permissions: view.permissions,
    allowed_ips: view.allowedIps,
    // When it stops (or stopped) working, as verify answers it: for a rolled key its grace end, or when it went idle.
    expires_at: view.expiredAt ?? view.endsAt,
    predecessor_id: view.rolledFromKeyId,
    rotation: presentRotation(view.rotation, view.expiresAt),
    rate_limit: presentRateLimit(view.rateLimit),
    request_count: usage ? usage.accepted + usage.rateLimited + usage.refused : 0,
    created_at: view.createdAt,
    last_used_at: usage?.lastUsedAt ?? null,
    revoked_at: view.revokedAt,
  };
}

export function presentApiKeyDetail(
  view: ApiKeyView,
  usage: KeyUsageView | undefined,
  now: Date,
  sinceRoll: TrafficSinceRoll | null = null,
): ApiKeyDetailResponse {
  const rotation = presentRotation(view.rotation, view.expiresAt);
  return {
    ...presentApiKey(view, usage, now),
    rotation:
      rotation === null
        ? null
        : {
            ...rotation,
            uses_since_roll: sinceRoll?.uses ?? 0,
            last_used_at: sinceRoll?.lastUsedAt ?? null,
            addresses_since_roll: sinceRoll?.addresses ?? [],
            addresses_since_roll_count: sinceRoll?.addressCount ?? 0,
          },
    usage: {
      accepted: usage?.accepted ?? 0,
      rate_limited: usage?.rateLimited ?? 0,
      refused: usage?.refused ?? 0,
      first_used_at: usage?.firstUsedAt ?? null,
      last_used_at: usage?.lastUsedAt ?? null,
      last_ip: usage?.lastIp ?? null,
      last_user_agent: usage?.lastUserAgent ?? null,
      requests_per_hour: last24Hours(usage, now),
    },
  };
}
