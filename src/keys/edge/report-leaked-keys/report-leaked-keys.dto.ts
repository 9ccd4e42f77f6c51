import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Shapes of the secret scanning route, for its OpenAPI entry; parse-leak-reports.ts checks bodies. */
export class SecretScanningReport {
  @ApiProperty({ description: 'The string the scanner matched: hashed at once, never stored.', example: 'sk_...' })
  token!: string;

  @ApiProperty({ description: "The scanner's name of the pattern it matched.", example: 'parsesphere_api_key' })
  type!: string;

  @ApiPropertyOptional({ type: String, description: 'Where it was found.', example: 'https://github.com/octocat/hello/blob/abc123/config.js', nullable: true })
  url?: string | null;

  @ApiPropertyOptional({ type: String, description: 'What kind of place it was found in (content, commit, pull_request_title, npm, …).', example: 'content', nullable: true })
  source?: string | null;
}

export class SecretScanningVerdict {
  @ApiProperty({ description: 'SHA-256 of the token, hex (the scanner matches it to its report).', pattern: '^[0-9a-f]{64}$' })
  token_hash!: string;

  @ApiProperty({ description: "The report's type, as sent.", example: 'parsesphere_api_key' })
  token_type!: string;

  @ApiProperty({ enum: ['true_positive', 'false_positive'], description: 'true_positive: a key of this service (whatever its state); false_positive: not one.' })
  label!: 'true_positive' | 'false_positive';
}
