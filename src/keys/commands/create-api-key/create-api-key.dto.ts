import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, ValidateIf, ValidateNested } from 'class-validator';
import { IntegerBetween } from '../../../shared/http/validation-rules.js';
import { AllowedIpsField, ExpiresAtField, PermissionsField } from '../../presentation/key-policy.dto.js';
import { RATE_LIMIT_BOUNDS } from '../../domain/api-key-decider.js';
import { KEY_NAME_PATTERN, KEY_NAME_RULES, MAX_KEY_NAME_LENGTH } from '../../domain/key-name.js';

/** About a hundred years: beyond, an instant is past what a date-time can carry for some clients. */
export const MAX_EXPIRES_IN_SECONDS = 3_153_600_000;

export class RateLimitRequest {
  @ApiProperty({ type: 'integer', minimum: RATE_LIMIT_BOUNDS.requests.min, maximum: RATE_LIMIT_BOUNDS.requests.max, example: 100 })
  @IntegerBetween('requests', RATE_LIMIT_BOUNDS.requests.min, RATE_LIMIT_BOUNDS.requests.max)
  requests!: number;

  @ApiProperty({ type: 'integer', minimum: RATE_LIMIT_BOUNDS.perSeconds.min, maximum: RATE_LIMIT_BOUNDS.perSeconds.max, example: 60 })
  @IntegerBetween('per_seconds', RATE_LIMIT_BOUNDS.perSeconds.min, RATE_LIMIT_BOUNDS.perSeconds.max)
  per_seconds!: number;
}

/** Every field is optional, and so is the body: no body is the same as `{}`. */
export class CreateApiKeyRequest {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: MAX_KEY_NAME_LENGTH,
    pattern: KEY_NAME_PATTERN,
    example: 'Production API Key',
    description: `A label for the key; absent or null: no name. ${KEY_NAME_RULES}`,
  })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  name?: string | null;

  @ApiPropertyOptional({ type: RateLimitRequest, description: 'Absent: the configured default, fixed on the key at creation.' })
  @ValidateIf((_request, value) => value !== undefined)
  @IsObject({ message: 'rate_limit must be an object with requests and per_seconds' })
  @ValidateNested()
  @Type(() => RateLimitRequest)
  rate_limit?: RateLimitRequest;

  @PermissionsField("Absent: the calling key's own permissions (`*` for an unrestricted key).")
  permissions?: unknown[];

  @AllowedIpsField("Absent: the calling key's own restriction (none for an unrestricted key).")
  allowed_ips?: unknown[];

  @ExpiresAtField('When the key stops working. Absent (and no expires_in_seconds): never, or the maximum lifetime when the service sets one.', false)
  expires_at?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_EXPIRES_IN_SECONDS,
    description: 'The key stops working this many seconds after its creation. Not with expires_at.',
  })
  @ValidateIf((_request, value) => value !== undefined)
  @IntegerBetween('expires_in_seconds', 1, MAX_EXPIRES_IN_SECONDS)
  expires_in_seconds?: number;
}
