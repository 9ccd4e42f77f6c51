import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_PERMISSIONS, PERMISSION_PATTERN } from '../../domain/permissions.js';

/** Longest accepted value of each context field, in characters (code points, as the OpenAPI maxLength counts). */
export const CONTEXT_FIELD_LENGTHS: Readonly<Record<string, number>> = { ip: 64, method: 16, path: 512, user_agent: 512 };
export const MAX_PRESENTED_KEY_LENGTH = 256;

/** Shapes of the verify route, for its OpenAPI entry and types; parse-verify-request.ts checks bodies. */
export class VerificationContext {
  @ApiPropertyOptional({
    description: "The end client's address, as the gateway saw it: IPv4 or IPv6 (no zone), never empty.",
    // anyOf, not oneOf: the two differ by format alone, which a validator may leave unchecked (JSON Schema's default),
    // and then every address matches both and a oneOf refuses it.
    anyOf: [
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

  @ApiPropertyOptional({
    type: [String],
    items: { type: 'string', pattern: PERMISSION_PATTERN },
    maxItems: MAX_PERMISSIONS,
    example: ['parses:write'],
    description: 'Permissions the request needs, all of them: a key that lacks one answers INSUFFICIENT_PERMISSIONS.',
  })
  required_permissions?: string[];
}

class KeyRateLimitState {
  @ApiProperty({ type: 'integer' }) limit!: number;
  @ApiProperty({ type: 'integer' }) remaining!: number;
  @ApiProperty({ type: 'integer', description: 'Seconds until the full quota is available again.' }) reset!: number;
}

export const VERIFY_REFUSAL_CODES = [
  'NOT_FOUND',
  'REVOKED',
  'EXPIRED',
  'DISABLED',
  'FORBIDDEN',
  'INSUFFICIENT_PERMISSIONS',
  'RATE_LIMITED',
  'MALFORMED',
] as const;

export class VerifyApiKeyResponse {
  @ApiProperty() valid!: boolean;
  @ApiPropertyOptional({
    enum: VERIFY_REFUSAL_CODES,
    description:
      'Why the key was refused: FORBIDDEN when context.ip is not among its allowed_ips (or missing for a restricted key), ' +
      'INSUFFICIENT_PERMISSIONS when it lacks one of required_permissions.',
  })
  code?: string;
  @ApiPropertyOptional({ format: 'uuid' }) key_id?: string;
  @ApiPropertyOptional() account_id?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) name?: string | null;
  @ApiPropertyOptional({ type: [String], description: 'A valid key: what it may do (`*`: everything).' }) permissions?: string[];
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'A valid key: when it stops working (null: never).' })
  expires_at?: string | null;
  @ApiPropertyOptional({ type: [String], description: 'INSUFFICIENT_PERMISSIONS: the required permissions the key lacks.' })
  missing_permissions?: string[];
  @ApiPropertyOptional({ type: 'integer', description: 'RATE_LIMITED: seconds until a request can succeed again.' })
  retry_after?: number;
  @ApiPropertyOptional({ type: KeyRateLimitState, description: "A valid key, INSUFFICIENT_PERMISSIONS, or RATE_LIMITED by the key's own limit: its rate-limit state." })
  rate_limit?: KeyRateLimitState;
}
