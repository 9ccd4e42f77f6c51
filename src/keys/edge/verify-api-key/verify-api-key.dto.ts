import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Longest accepted value of each context field, in characters (code points, as the OpenAPI maxLength counts). */
export const CONTEXT_FIELD_LENGTHS: Readonly<Record<string, number>> = { ip: 64, method: 16, path: 512, user_agent: 512 };
export const MAX_PRESENTED_KEY_LENGTH = 256;

/** Shapes of the verify route, for its OpenAPI entry and types; parse-verify-request.ts checks bodies. */
export class VerificationContext {
  @ApiPropertyOptional({
    description: "The end client's address, as the gateway saw it: IPv4 or IPv6 (no zone), never empty.",
    oneOf: [
      { type: 'string', format: 'ipv4' },
      { type: 'string', format: 'ipv6' },
    ],
    maxLength: CONTEXT_FIELD_LENGTHS.ip,
    example: '203.0.113.7',
  })
  ip?: string;

  @ApiPropertyOptional({ example: 'POST', maxLength: CONTEXT_FIELD_LENGTHS.method })
  method?: string;

  @ApiPropertyOptional({ example: '/v1/parses', maxLength: CONTEXT_FIELD_LENGTHS.path })
  path?: string;

  @ApiPropertyOptional({ maxLength: CONTEXT_FIELD_LENGTHS.user_agent })
  user_agent?: string;
}

export class VerifyApiKeyRequest {
  @ApiProperty({ description: 'The key the end client presented.', example: 'sk_...', maxLength: MAX_PRESENTED_KEY_LENGTH })
  key!: string;

  @ApiPropertyOptional({ type: VerificationContext })
  context?: VerificationContext;
}

class KeyRateLimitState {
  @ApiProperty({ type: 'integer' }) limit!: number;
  @ApiProperty({ type: 'integer' }) remaining!: number;
  @ApiProperty({ type: 'integer', description: 'Seconds until the full quota is available again.' }) reset!: number;
}

export class VerifyApiKeyResponse {
  @ApiProperty() valid!: boolean;
  @ApiPropertyOptional({ enum: ['NOT_FOUND', 'REVOKED', 'RATE_LIMITED', 'MALFORMED'] }) code?: string;
  @ApiPropertyOptional({ format: 'uuid' }) key_id?: string;
  @ApiPropertyOptional() account_id?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) name?: string | null;
  @ApiPropertyOptional({ type: KeyRateLimitState }) rate_limit?: KeyRateLimitState;
}
