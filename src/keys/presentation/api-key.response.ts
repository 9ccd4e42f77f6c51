import { ApiProperty } from '@nestjs/swagger';
import type { HourlyCount } from '../../usage/projection/key-usage-view.js';

export class RateLimitResponse {
  @ApiProperty({ type: 'integer', example: 1000 }) requests!: number;
  @ApiProperty({ type: 'integer', example: 60 }) per_seconds!: number;
}

/** An API key as the API shows it: never the key, never its hash. */
export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid', example: '550e8400-e29b-41d4-a716-446655440000' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Production API Key' })
  name!: string | null;

  @ApiProperty({ description: 'First 12 characters of the key, for identification.', example: 'sk_4fT9xQm2L' })
  prefix!: string;

  @ApiProperty({ enum: ['active', 'revoked'] })
  status!: 'active' | 'revoked';

  @ApiProperty({ type: RateLimitResponse })
  rate_limit!: RateLimitResponse;

  @ApiProperty({ type: 'integer', description: 'Authenticated requests made with this key, rate-limited ones included.' })
  request_count!: number;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_used_at!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at!: string | null;
}

export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'The full key. Shown only in this response: store it now.', example: 'sk_4fT9xQm2L...' })
  key!: string;
}

export class ApiKeyListResponse {
  @ApiProperty({ type: [ApiKeyResponse] })
  data!: ApiKeyResponse[];

  @ApiProperty({ description: 'Whether more keys follow; pass the last id as starting_after to get them.' })
  has_more!: boolean;
}

class HourlyCountResponse {
  @ApiProperty({ format: 'date-time' }) hour!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
}

export class KeyUsageResponse {
  @ApiProperty({ type: 'integer' }) accepted!: number;
  @ApiProperty({ type: 'integer' }) rate_limited!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) first_used_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_used_at!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_user_agent!: string | null;
  @ApiProperty({ type: [HourlyCountResponse], description: 'Requests per hour for the last 24 hours, oldest first.' })
  requests_per_hour!: HourlyCount[];
}

export class ApiKeyDetailResponse extends ApiKeyResponse {
  @ApiProperty({ type: KeyUsageResponse })
  usage!: KeyUsageResponse;
}
