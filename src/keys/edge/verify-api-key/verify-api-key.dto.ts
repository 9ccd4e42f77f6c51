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

export class KeyRateLimitState {
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

/** The refusals that carry nothing but their code. */
const BARE_REFUSAL_CODES = ['NOT_FOUND', 'REVOKED', 'EXPIRED', 'DISABLED', 'FORBIDDEN', 'MALFORMED'] as const;

// The verdict is one of four shapes, each its own model (the 200 is oneOf them), so that a generated client narrows on
// `valid` and `code`: declared as one model whose fields were all optional but `valid`, a valid key's key_id was
// `string | undefined` to a strict TypeScript client, and a RATE_LIMITED's retry_after too.

export class VerifyValidResponse {
  @ApiProperty({ type: 'boolean', enum: [true] }) valid!: true;
  @ApiProperty({ format: 'uuid' }) key_id!: string;
  @ApiProperty() account_id!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: [String], description: 'What the key may do (`*`: everything).' }) permissions!: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the key stops working: its expiry or the end of a roll\'s grace (null: never).' })
  expires_at!: string | null;
  @ApiProperty({ type: KeyRateLimitState, description: "The key's rate-limit state, this use counted." }) rate_limit!: KeyRateLimitState;
}

export class VerifyRefusedResponse {
  @ApiProperty({ type: 'boolean', enum: [false] }) valid!: false;
  @ApiProperty({
    enum: BARE_REFUSAL_CODES,
    description: 'Why the key was refused: FORBIDDEN when context.ip is not among its allowed_ips (or missing for a restricted key).',
  })
  code!: (typeof BARE_REFUSAL_CODES)[number];
}

export class VerifyInsufficientPermissionsResponse {
  @ApiProperty({ type: 'boolean', enum: [false] }) valid!: false;
  @ApiProperty({ enum: ['INSUFFICIENT_PERMISSIONS'], description: 'The key lacks one of required_permissions.' }) code!: 'INSUFFICIENT_PERMISSIONS';
  @ApiProperty({ type: [String], description: 'The required permissions the key lacks.' }) missing_permissions!: string[];
  @ApiProperty({ type: KeyRateLimitState, description: "The key's rate-limit state, this refused use counted." }) rate_limit!: KeyRateLimitState;
}

export class VerifyRateLimitedResponse {
  @ApiProperty({ type: 'boolean', enum: [false] }) valid!: false;
  @ApiProperty({ enum: ['RATE_LIMITED'] }) code!: 'RATE_LIMITED';
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Seconds until a request can succeed again.' }) retry_after!: number;
  @ApiPropertyOptional({
    type: KeyRateLimitState,
    description: "Present when the key is over its own limit: its rate-limit state. Absent when the end client's address (context.ip) is over its failed verifications: the key was not looked at.",
  })
  rate_limit?: KeyRateLimitState;
}

export const VERIFY_RESPONSE_MODELS = [VerifyValidResponse, VerifyRefusedResponse, VerifyInsufficientPermissionsResponse, VerifyRateLimitedResponse];

export type VerifyApiKeyResponse = VerifyValidResponse | VerifyRefusedResponse | VerifyInsufficientPermissionsResponse | VerifyRateLimitedResponse;
