import { KeyNameField, RateLimitField, type RateLimitRequest } from '../../presentation/key-fields.dto.js';
import { AllowedIpsField, ExpiresAtField, PermissionsField } from '../../presentation/key-policy.dto.js';

/** Every field is optional: an absent field does not change; `{}` changes nothing. */
export class UpdateApiKeyRequest {
  @KeyNameField('The new label; null removes it.')
  name?: string | null;

  @RateLimitField('The new limit, in force on every instance once it has read the change.')
  rate_limit?: RateLimitRequest;

  @PermissionsField('The new permissions.')
  permissions?: unknown[];

  @AllowedIpsField('The new address restriction.')
  allowed_ips?: unknown[];

  @ExpiresAtField('The new expiry; null: never (refused when the service sets a maximum lifetime).', true)
  expires_at?: string | null;
}
