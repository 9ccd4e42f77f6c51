import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=1..100` of every paginated listing; subclasses add their cursor and filters. */
export class PageLimitRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'Page size.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
