import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { PageLimitRequest } from '../../../shared/http/page-limit.dto.js';
import { UuidQueryParameter } from '../../../shared/http/validation-rules.js';

export class ListApiKeysRequest extends PageLimitRequest {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Id of the last key of the previous page (any case). It must be a key of this account: otherwise 404.',
  })
  @IsOptional()
  @UuidQueryParameter('starting_after must be an API key id (a UUID)')
  starting_after?: string;
}
