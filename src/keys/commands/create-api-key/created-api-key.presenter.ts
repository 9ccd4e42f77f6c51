import type { CreatedApiKeyResponse } from '../../presentation/api-key.response.js';
import { presentRateLimit } from '../../presentation/present-api-key.js';
import type { CreatedApiKey } from './create-api-key.command.js';

/** The create response, shared by the HTTP route and the operator CLI so both print the same object. */
export function presentCreatedApiKey(created: CreatedApiKey): CreatedApiKeyResponse {
  return {
    id: created.keyId,
    name: created.name,
    key: created.key,
    prefix: created.prefix,
    status: 'active',
    disabled: false,
    permissions: created.permissions,
    allowed_ips: created.allowedIps,
    expires_at: created.expiresAt,
    predecessor_id: created.rolledFromKeyId,
    rotation: null,
    rate_limit: presentRateLimit(created.rateLimit),
    request_count: 0,
    created_at: created.createdAt,
    last_used_at: null,
    revoked_at: null,
  };
}
