import { ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { IntegerBetween } from '../../../shared/http/validation-rules.js';
import { KeyNameField, RateLimitField, type RateLimitRequest } from '../../presentation/key-fields.dto.js';
import { AllowedIpsField, ExpiresAtField, PermissionsField } from '../../presentation/key-policy.dto.js';
import { EXPIRES_IN_SECONDS } from './expires-in-seconds.js';

/** Every field is optional, and so is the body: no body is the same as `{}`. */
export class CreateApiKeyRequest {
  @KeyNameField('A label for the key; absent or null: no name.')
  name?: string | null;

  @RateLimitField(
    "Absent: the configured default, or the calling key's own limit when the default is above it; fixed on the key at creation. " +
      "At most the calling key's own: no more requests, and no higher rate (requests/per_seconds).",
  )
  rate_limit?: RateLimitRequest;

  @PermissionsField("Absent: the calling key's own permissions (`*` for an unrestricted key).")
  permissions?: unknown[];

  @AllowedIpsField("Absent: the calling key's own restriction (none for an unrestricted key).")
  allowed_ips?: unknown[];

  @ExpiresAtField(
    "When the key stops working, no later than the calling key's own end. Absent (and no expires_in_seconds): the calling key's end " +
      '(never for a key without one), or the maximum lifetime when the service sets one and it is sooner.',
    false,
  )
  expires_at?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: EXPIRES_IN_SECONDS.min,
    maximum: EXPIRES_IN_SECONDS.max,
    description: "The key stops working this many seconds after its creation, no later than the calling key's own end. Not with expires_at.",
  })
  @ValidateIf((_request, value) => value !== undefined)
  @IntegerBetween('expires_in_seconds', EXPIRES_IN_SECONDS.min, EXPIRES_IN_SECONDS.max)
  expires_in_seconds?: number;
}
