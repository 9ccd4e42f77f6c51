import { ApiProperty } from '@nestjs/swagger';
import type { ApiKeyView } from '../projection/api-key-view.js';

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

export function presentApiKey(view: ApiKeyView): ApiKeyResponse {
  return {
    id: view.id,
    name: view.name,
    prefix: view.prefix,
    status: view.status,
    created_at: view.createdAt,
    last_used_at: view.lastUsedAt,
    revoked_at: view.revokedAt,
  };
}
