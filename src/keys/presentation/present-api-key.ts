import { type KeyUsageSummary, type KeyUsageView, last24Hours } from '../../usage/projection/key-usage-view.js';
import type { KeyRateLimit } from '../domain/api-key-events.js';
import type { ApiKeyView } from '../projection/api-key-view.js';
import type { ApiKeyDetailResponse, ApiKeyResponse, RateLimitResponse } from './api-key.response.js';

// Apart from the response classes, whose OpenAPI decorators load @nestjs/swagger: the CLI prints the same
// objects without loading it.

export const presentRateLimit = (limit: KeyRateLimit): RateLimitResponse => ({
  requests: limit.requests,
  per_seconds: limit.perSeconds,
});

export function presentApiKey(view: ApiKeyView, usage: KeyUsageSummary | undefined): ApiKeyResponse {
  return {
    id: view.id,
    name: view.name,
    prefix: view.prefix,
    status: view.status,
    rate_limit: presentRateLimit(view.rateLimit),
    request_count: usage ? usage.accepted + usage.rateLimited : 0,
    created_at: view.createdAt,
    last_used_at: usage?.lastUsedAt ?? null,
    revoked_at: view.revokedAt,
  };
}

export function presentApiKeyDetail(view: ApiKeyView, usage: KeyUsageView | undefined, now: Date): ApiKeyDetailResponse {
  return {
    ...presentApiKey(view, usage),
    usage: {
      accepted: usage?.accepted ?? 0,
      rate_limited: usage?.rateLimited ?? 0,
      first_used_at: usage?.firstUsedAt ?? null,
      last_used_at: usage?.lastUsedAt ?? null,
      last_ip: usage?.lastIp ?? null,
      last_user_agent: usage?.lastUserAgent ?? null,
      requests_per_hour: last24Hours(usage, now),
    },
  };
}
