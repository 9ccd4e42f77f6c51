import { KeyNameField, RateLimitField, type RateLimitRequest } from '../../presentation/key-fields.dto.js';
import { AllowedIpsField, ExpiresAtField, PermissionsField } from '../../presentation/key-policy.dto.js';

/** Every field is optional: an absent field does not change; `{}` changes nothing. */
export class UpdateApiKeyRequest {
  @KeyNameField('The new label; null removes it.')
  name?: string | null;

  @RateLimitField("The new limit, in force on every instance once it has read the change; at most the calling key's own (requests, and requests/per_seconds).")
  rate_limit?: RateLimitRequest;

  @PermissionsField('The new permissions.')
  permissions?: unknown[];

  @AllowedIpsField('The new address restriction.')
  allowed_ips?: unknown[];

  @ExpiresAtField(
    "The new expiry, no later than the calling key's own end; null: never (refused when the service sets a maximum lifetime, or when the calling key has an end).",
    true,
  )
  expires_at?: string | null;
}
