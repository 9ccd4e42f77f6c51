import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IntegerQueryParameter } from './validation-rules.js';

export const PAGE_LIMIT = { min: 1, max: 100 } as const;

/**
 * `?limit=1..100` of every paginated listing, `defaultSize` when absent (the document says so); subclasses add
 * their cursor and filters: `class ListAlertsRequest extends PageLimitRequest(20)`.
 */
export function PageLimitRequest(defaultSize: number) {
  class PageLimit {
    @ApiPropertyOptional({ type: 'integer', minimum: PAGE_LIMIT.min, maximum: PAGE_LIMIT.max, default: defaultSize, description: 'Page size.' })
    @IsOptional()
    @IntegerQueryParameter('limit', PAGE_LIMIT.min, PAGE_LIMIT.max)
    limit?: number;
  }
  return PageLimit;
}
