import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IntegerQueryParameter } from './validation-rules.js';

export const PAGE_LIMIT = { min: 1, max: 100 } as const;

/** `?limit=1..100` of every paginated listing; subclasses add their cursor and filters. */
export class PageLimitRequest {
  @ApiPropertyOptional({ type: 'integer', minimum: PAGE_LIMIT.min, maximum: PAGE_LIMIT.max, description: 'Page size.' })
  @IsOptional()
  @IntegerQueryParameter('limit', PAGE_LIMIT.min, PAGE_LIMIT.max)
  limit?: number;
}
