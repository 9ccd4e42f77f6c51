import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class GetApiKeyRequest {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Show the key as it was at this instant, rebuilt by replaying its events up to then.',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  as_of?: string;
}
