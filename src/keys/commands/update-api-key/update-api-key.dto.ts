import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, ValidateIf, ValidateNested } from 'class-validator';
import { KEY_NAME_PATTERN, KEY_NAME_RULES, MAX_KEY_NAME_LENGTH } from '../../domain/key-name.js';
import { AllowedIpsField, ExpiresAtField, PermissionsField } from '../../presentation/key-policy.dto.js';
import { RateLimitRequest } from '../create-api-key/create-api-key.dto.js';

/** Every field is optional: an absent field does not change; `{}` changes nothing. */
export class UpdateApiKeyRequest {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: MAX_KEY_NAME_LENGTH,
    pattern: KEY_NAME_PATTERN,
    example: 'Production API Key',
    description: `The new label; null removes it. ${KEY_NAME_RULES}`,
  })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  name?: string | null;

  @ApiPropertyOptional({ type: RateLimitRequest, description: 'The new limit, in force on every instance once it has read the change.' })
  @ValidateIf((_request, value) => value !== undefined)
  @IsObject({ message: 'rate_limit must be an object with requests and per_seconds' })
  @ValidateNested()
  @Type(() => RateLimitRequest)
  rate_limit?: RateLimitRequest;

  @PermissionsField('The new permissions.')
  permissions?: unknown[];

  @AllowedIpsField('The new address restriction.')
  allowed_ips?: unknown[];

  @ExpiresAtField('The new expiry; null: never (refused when the service sets a maximum lifetime).', true)
  expires_at?: string | null;
}
