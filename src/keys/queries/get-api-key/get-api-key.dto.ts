import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';
import { parseRfc3339 } from '../../../shared/domain/rfc3339.js';

export class GetApiKeyRequest {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-11-27T10:00:00Z',
    description:
      'Show the key as it was at this instant, rebuilt by replaying its events up to then. Any RFC 3339 date-time ' +
      '(years 0000-9999, any offset, fractions kept to the millisecond); before the key existed: 404.',
  })
  @IsOptional()
  @ValidateBy({
    name: 'isRfc3339DateTime',
    validator: { validate: (value) => typeof value === 'string' && parseRfc3339(value) !== null },
  }, { message: 'as_of must be an RFC 3339 date-time, such as 2026-11-27T10:00:00Z' })
  as_of?: string;
}
