import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIP, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export class VerificationContext {
  @ApiPropertyOptional({ description: "The end client's address, as the gateway saw it." })
  @IsOptional()
  @IsIP()
  ip?: string;

  @ApiPropertyOptional({ example: 'POST' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  method?: string;

  @ApiPropertyOptional({ example: '/v1/parses' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  path?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  user_agent?: string;
}

export class VerifyApiKeyRequest {
  @ApiProperty({ description: 'The key the end client presented.', example: 'sk_...' })
  @IsString()
  @MaxLength(256)
  key!: string;

  @ApiPropertyOptional({ type: VerificationContext })
  @IsOptional()
  @ValidateNested()
  @Type(() => VerificationContext)
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
