import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageLimitRequest } from '../../../shared/http/page-limit.dto.js';
import { IsOptional, IsUUID } from 'class-validator';

export class ListApiKeysRequest extends PageLimitRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Id of the last key of the previous page.' })
  @IsOptional()
  @IsUUID()
  starting_after?: string;
}
