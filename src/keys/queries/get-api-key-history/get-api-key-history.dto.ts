import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageLimitRequest } from '../../../shared/http/page-limit.dto.js';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { KEY_HISTORY_ORDERS, type KeyHistoryOrder } from './key-history-order.js';

export class GetApiKeyHistoryRequest extends PageLimitRequest {
  @ApiPropertyOptional({ description: 'The next_cursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;

  @ApiPropertyOptional({
    enum: KEY_HISTORY_ORDERS,
    default: 'occurred',
    description:
      '`occurred`: by when each event happened (`time`), ties in log order. `log`: by position in the event log. ' +
      'Uses are appended in batches, so a use made before a revocation can be logged after it.',
  })
  @IsOptional()
  @IsIn(KEY_HISTORY_ORDERS)
  order?: KeyHistoryOrder;
}

export class KeyHistoryEventResponse {
  @ApiProperty({ example: 'KeyCreated' }) type!: string;
  @ApiProperty({ format: 'date-time', description: 'When it happened (for uses, the time of the request).' }) time!: string;
  @ApiProperty({ enum: ['lifecycle', 'usage'] }) stream!: 'lifecycle' | 'usage';
  @ApiProperty({ description: 'Revision within its stream.' }) revision!: number;
  @ApiProperty({ description: 'Position in the global log.' }) position!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The key that acted (for uses, the key itself).' })
  acting_key_id!: string | null;
  @ApiProperty({ type: Object, description: 'The event as stored, without the key hash.' }) data!: Record<string, unknown>;
}

export class KeyHistoryResponse {
  @ApiProperty({ type: [KeyHistoryEventResponse] }) data!: KeyHistoryEventResponse[];
  @ApiProperty() has_more!: boolean;
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}
