import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MAX_KEY_NAME_LENGTH, RATE_LIMIT_BOUNDS } from '../../domain/api-key-decider.js';

export class RateLimitRequest {
  @ApiProperty({ minimum: RATE_LIMIT_BOUNDS.requests.min, maximum: RATE_LIMIT_BOUNDS.requests.max, example: 100 })
  @IsInt()
  @Min(RATE_LIMIT_BOUNDS.requests.min)
  @Max(RATE_LIMIT_BOUNDS.requests.max)
  requests!: number;

  @ApiProperty({ minimum: RATE_LIMIT_BOUNDS.perSeconds.min, maximum: RATE_LIMIT_BOUNDS.perSeconds.max, example: 60 })
  @IsInt()
  @Min(RATE_LIMIT_BOUNDS.perSeconds.min)
  @Max(RATE_LIMIT_BOUNDS.perSeconds.max)
  per_seconds!: number;
}

export class CreateApiKeyRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_KEY_NAME_LENGTH, example: 'Production API Key' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_KEY_NAME_LENGTH)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string | null;

  @ApiPropertyOptional({ type: RateLimitRequest, description: 'Without it the configured default applies.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitRequest)
  rate_limit?: RateLimitRequest;
}
