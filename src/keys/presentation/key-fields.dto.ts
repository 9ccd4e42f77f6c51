import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, ValidateIf, ValidateNested } from 'class-validator';
import { IntegerBetween } from '../../shared/http/validation-rules.js';
import { RATE_LIMIT_BOUNDS } from '../domain/api-key-decider.js';
import { KEY_NAME_PATTERN, KEY_NAME_RULES, MAX_KEY_NAME_LENGTH } from '../domain/key-name.js';

// The fields a key's creation and its change share (besides its policy: key-policy.dto.ts).

export class RateLimitRequest {
  @ApiProperty({ type: 'integer', minimum: RATE_LIMIT_BOUNDS.requests.min, maximum: RATE_LIMIT_BOUNDS.requests.max, example: 100 })
  @IntegerBetween('requests', RATE_LIMIT_BOUNDS.requests.min, RATE_LIMIT_BOUNDS.requests.max)
  requests!: number;

  @ApiProperty({ type: 'integer', minimum: RATE_LIMIT_BOUNDS.perSeconds.min, maximum: RATE_LIMIT_BOUNDS.perSeconds.max, example: 60 })
  @IntegerBetween('per_seconds', RATE_LIMIT_BOUNDS.perSeconds.min, RATE_LIMIT_BOUNDS.perSeconds.max)
  per_seconds!: number;
}

/** `name`: a string or null; its rules (key-name.ts) are the domain's, checked by the Decider. */
export function KeyNameField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      nullable: true,
      minLength: 1,
      maxLength: MAX_KEY_NAME_LENGTH,
      pattern: KEY_NAME_PATTERN,
      example: 'Production API Key',
      description: `${description} ${KEY_NAME_RULES}`,
    }),
    IsOptional(),
    IsString({ message: 'name must be a string' }),
  );
}

/** `rate_limit`: {requests, per_seconds}, each an integer within RATE_LIMIT_BOUNDS. */
export function RateLimitField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: RateLimitRequest, description }),
    ValidateIf((_request, value) => value !== undefined),
    IsObject({ message: 'rate_limit must be an object with requests and per_seconds' }),
    ValidateNested(),
    Type(() => RateLimitRequest),
  );
}
