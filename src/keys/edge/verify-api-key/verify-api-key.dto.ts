import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Shapes of the verify route, for its OpenAPI entry and types; parse-verify-request.ts checks bodies. */
export class VerificationContext {
  @ApiPropertyOptional({ description: "The end client's address, as the gateway saw it.", format: 'ip', maxLength: 64 })
  ip?: string;

  @ApiPropertyOptional({ example: 'POST', maxLength: 16 })
  method?: string;

  @ApiPropertyOptional({ example: '/v1/parses', maxLength: 512 })
  path?: string;

  @ApiPropertyOptional({ maxLength: 512 })
  user_agent?: string;
}

export class VerifyApiKeyRequest {
  @ApiProperty({ description: 'The key the end client presented.', example: 'sk_...', maxLength: 256 })
  key!: string;

  @ApiPropertyOptional({ type: VerificationContext })
  context?: VerificationContext;
}

class KeyRateLimitState {
  @ApiProperty() limit!: number;
  @ApiProperty() remaining!: number;
  @ApiProperty({ description: 'Seconds until the full quota is available again.' }) reset!: number;
}

export class VerifyApiKeyResponse {
  @ApiProperty() valid!: boolean;
  @ApiPropertyOptional({ enum: ['NOT_FOUND', 'REVOKED', 'RATE_LIMITED', 'MALFORMED'] }) code?: string;
  @ApiPropertyOptional({ format: 'uuid' }) key_id?: string;
  @ApiPropertyOptional() account_id?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) name?: string | null;
  @ApiPropertyOptional({ type: KeyRateLimitState }) rate_limit?: KeyRateLimitState;
}
