import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';
import { LATEST_RFC3339_UTC_MS, parseRfc3339 } from '../../../shared/domain/rfc3339.js';

export class GetApiKeyRequest {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-11-27T10:00:00Z',
    description:
      'Show the key as it was at this instant, rebuilt by replaying its events up to then. Any RFC 3339 date-time ' +
      '(years 0000-9999, any offset, fractions kept to the millisecond) no later than 9999-12-31T23:59:59.999Z in UTC; ' +
      'before the key existed: 404.',
  })
  @IsOptional()
  @ValidateBy({
    name: 'isRfc3339DateTime',
    validator: { validate: (value) => typeof value === 'string' && parseRfc3339(value) !== null },
  }, { message: 'as_of must be an RFC 3339 date-time, such as 2026-11-27T10:00:00Z' })
  // An offset carries 9999-12-31T23:59:59-23:59 into the year 10000: its answer's hours read "+010000-01-01T…", no date-time.
  @ValidateBy({
    name: 'isNoLaterThanYear9999',
    validator: { validate: (value) => typeof value !== 'string' || (parseRfc3339(value)?.getTime() ?? 0) <= LATEST_RFC3339_UTC_MS },
  }, { message: `as_of must be no later than ${new Date(LATEST_RFC3339_UTC_MS).toISOString()}.` })
  as_of?: string;
}
