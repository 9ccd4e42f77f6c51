import { ApiExtraModels, ApiProperty } from '@nestjs/swagger';
import { nullableRef } from '../../shared/http/nullable-ref.openapi.js';
import type { HourlyCount } from '../../usage/projection/key-usage-view.js';

export class RateLimitResponse {
  @ApiProperty({ type: 'integer', example: 1000 }) requests!: number;
  @ApiProperty({ type: 'integer', example: 60 }) per_seconds!: number;
}

export class KeyRotationResponse {
  @ApiProperty({ format: 'uuid', description: 'The key that replaces this one.' }) successor_id!: string;
  @ApiProperty({ format: 'date-time' }) rolled_at!: string;
  @ApiProperty({ format: 'date-time', description: 'This key works until then (never past its own expiry), then expires.' })
  grace_ends_at!: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'This key is retired once unused for this long after the roll (or at the grace end, whichever is first); null: at the grace end.',
  })
  close_when_idle_seconds!: number | null;
}

/** An API key as the API shows it: never the key, never its hash. */
@ApiExtraModels(KeyRotationResponse)
export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid', example: '550e8400-e29b-41d4-a716-446655440000' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Production API Key' })
  name!: string | null;

  @ApiProperty({ description: 'First 12 characters of the key, for identification.', example: 'sk_4fT9xQm2L' })
  prefix!: string;

  @ApiProperty({
    enum: ['active', 'disabled', 'expired', 'revoked'],
    description: 'revoked over expired over disabled: a disabled key past its expiry is expired.',
  })
  status!: 'active' | 'disabled' | 'expired' | 'revoked';

  @ApiProperty({ description: 'Disabled by POST /v1/api-keys/{id}/disable (reversible); a revoked or expired key keeps its last value.' })
  disabled!: boolean;

  @ApiProperty({ type: [String], example: ['keys:read', 'parses:*'], description: 'What the key may do: `*` for everything.' })
  permissions!: string[];

  @ApiProperty({ type: [String], example: ['203.0.113.0/24'], description: 'Addresses and CIDR blocks the key may be used from; empty: anywhere.' })
  allowed_ips!: string[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the key stops working (or stopped): its expiry, or for a rolled key the end of its grace period, or when it was retired idle, whichever came first; null: never.' })
  expires_at!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The key this one was rolled from.' })
  predecessor_id!: string | null;

  @ApiProperty({ ...nullableRef(KeyRotationResponse), description: 'Set once the key has been rolled.' })
  rotation!: KeyRotationResponse | null;

  @ApiProperty({ type: RateLimitResponse })
  rate_limit!: RateLimitResponse;

  @ApiProperty({ type: 'integer', description: 'Requests made with this key: accepted, rate-limited and refused for its permissions or addresses.' })
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

class HourlyCountResponse {
  @ApiProperty({ format: 'date-time' }) hour!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
}

/** A key of the listing: with its requests per hour when the listing was asked include=requests_per_hour. */
export class ApiKeyListItemResponse extends ApiKeyResponse {
  @ApiProperty({
    type: [HourlyCountResponse],
    required: false,
    description: 'Only with include=requests_per_hour: requests per hour for the last 24 hours, oldest first, as in GET /v1/api-keys/{id}.',
  })
  requests_per_hour?: HourlyCount[];
}

export class ApiKeyListResponse {
  @ApiProperty({ type: [ApiKeyListItemResponse] })
  data!: ApiKeyListItemResponse[];

  @ApiProperty({ description: 'Whether more keys follow; pass the last id as starting_after to get them.' })
  has_more!: boolean;
}

export class KeyUsageResponse {
  @ApiProperty({ type: 'integer' }) accepted!: number;
  @ApiProperty({ type: 'integer' }) rate_limited!: number;
  @ApiProperty({ type: 'integer', description: 'Requests refused for the key’s policies: a permission it lacks (403, INSUFFICIENT_PERMISSIONS) or an address it may not be used from (403, FORBIDDEN).' })
  refused!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) first_used_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_used_at!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_user_agent!: string | null;
  @ApiProperty({ type: [HourlyCountResponse], description: 'Requests per hour (accepted, rate-limited and refused), oldest first: the current hour so far (UTC) and the 23 before it.' })
  requests_per_hour!: HourlyCount[];
}

/** The old key's traffic since its roll: who still uses it. */
export class KeyRotationDetailResponse extends KeyRotationResponse {
  @ApiProperty({ type: 'integer', description: 'Requests made with this key since the roll.' }) uses_since_roll!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Its last use since the roll.' }) last_used_at!: string | null;
  @ApiProperty({ type: [String], description: 'Client addresses that used it since the roll (at most 20, most recent first).' })
  addresses_since_roll!: string[];
  @ApiProperty({
    type: 'integer',
    description: 'How many different client addresses used it since the roll: more than addresses_since_roll lists when it was cut at 20.',
  })
  addresses_since_roll_count!: number;
}

@ApiExtraModels(KeyRotationDetailResponse)
export class ApiKeyDetailResponse extends ApiKeyResponse {
  @ApiProperty({ type: KeyUsageResponse })
  usage!: KeyUsageResponse;

  @ApiProperty({ ...nullableRef(KeyRotationDetailResponse), description: 'Set once the key has been rolled, with its traffic since.' })
  declare rotation: KeyRotationDetailResponse | null;
}

/** A roll's answer: the successor, with its full key (shown only here), and the old key as the roll left it. */
export class RolledApiKeyResponse extends CreatedApiKeyResponse {
  @ApiProperty({ type: ApiKeyResponse, description: 'The key that was rolled, with its rotation.' })
  rolled!: ApiKeyResponse;
}
