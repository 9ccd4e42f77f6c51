import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { KEY_STATUSES, type KeyStatus } from '../../projection/api-key-view.js';
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

  @ApiPropertyOptional({
    enum: KEY_STATUSES,
    description: 'Only keys of this status now: a key past its expiry is expired, a disabled key past its expiry too.',
  })
  @IsOptional()
  @IsIn(KEY_STATUSES, { message: `status must be one of ${KEY_STATUSES.join(', ')}` })
  status?: KeyStatus;
}
