import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageLimitRequest } from '../../../shared/http/page-limit.dto.js';
import { KEY_HISTORY_CURSOR_PATTERN } from './key-history-cursor.js';
import { KEY_HISTORY_DIRECTIONS, type KeyHistoryDirection } from './key-history-direction.js';
import { KEY_HISTORY_ORDERS, type KeyHistoryOrder } from './key-history-order.js';
import { API_KEY_EVENT_TYPES } from '../../domain/api-key-events.js';
import { KEY_USED } from '../../../usage/domain/key-used.js';
import { USAGE_ARCHIVED } from '../../../usage/domain/usage-archived.js';

/** Events a page when `limit` is absent. */
export const HISTORY_PAGE_SIZE = 50;

export class GetApiKeyHistoryRequest extends PageLimitRequest(HISTORY_PAGE_SIZE) {
  @ApiPropertyOptional({
    pattern: KEY_HISTORY_CURSOR_PATTERN,
    example: '2.150.9041',
    description:
      'The next_cursor of the previous page (in the same direction): `<lifecycle revision>.<usage revision>`, and oldest first ' +
      '`.<end position>`, the log position the first page fixed as the end: events logged after it are on no later page. ' +
      'A cursor without the end (the form before 2026-12-07) is read: its page fixes the end.',
  })
  @IsOptional()
  @Matches(new RegExp(KEY_HISTORY_CURSOR_PATTERN), { message: 'cursor must be a next_cursor this API returned (such as 2.150)' })
  cursor?: string;

  @ApiPropertyOptional({
    enum: KEY_HISTORY_ORDERS,
    default: 'occurred',
    description:
      '`occurred`: by when each event happened (`time`), ties in log order: exact within a page; across pages, ' +
      'uses of different instances\' batches can be out of time order by about a usage flush, and a lifecycle event ' +
      'waits only for the earlier uses among the next `limit` + 1 (see docs/api.md). `log`: by position in the event log. ' +
      'Uses are appended in batches, so a use made before a revocation can be logged after it.',
  })
  @IsOptional()
  @IsIn(KEY_HISTORY_ORDERS, { message: `order must be one of ${KEY_HISTORY_ORDERS.join(', ')}` })
  order?: KeyHistoryOrder;

  @ApiPropertyOptional({
    enum: KEY_HISTORY_DIRECTIONS,
    default: 'oldest_first',
    description:
      '`oldest_first`: from the start of the history. `newest_first`: from its end back in time, each page newest first ' +
      '(in the `order` reversed); its next_cursor asks for the events before the page. In either direction events logged after the first page ' +
      '(uses, and changes such as a revocation) are not listed by the later ones: read the first page again for them. A cursor is a point between events: ' +
      '`oldest_first` lists what comes after it, `newest_first` what comes before.',
  })
  @IsOptional()
  @IsIn(KEY_HISTORY_DIRECTIONS, { message: `direction must be one of ${KEY_HISTORY_DIRECTIONS.join(', ')}` })
  direction?: KeyHistoryDirection;
}

export class KeyHistoryEventResponse {
  @ApiProperty({
    example: 'KeyCreated',
    description:
      `The event's kind. Stream lifecycle: ${API_KEY_EVENT_TYPES.join(', ')}. Stream usage: ${KEY_USED} (one use) and ${USAGE_ARCHIVED} ` +
      '(older uses archived out of the log). A later version of the service may add kinds.',
  })
  type!: string;
  @ApiProperty({ format: 'date-time', description: 'When it happened (for uses, the time of the request).' }) time!: string;
  @ApiProperty({ enum: ['lifecycle', 'usage'], description: '`usage`: the uses, and where older uses were archived out of the log, a `UsageArchived` event with what they added up to.' })
  stream!: 'lifecycle' | 'usage';
  @ApiProperty({ type: 'integer', description: 'Revision within its stream.' }) revision!: number;
  @ApiProperty({ type: 'integer', description: 'Position in the global log.' }) position!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The key that acted (for uses, the key itself); null for the operator CLI and for what the service records by itself (KeyExpired).' })
  acting_key_id!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The request that made it (its X-Request-Id): a change is found among the acting key\'s uses (its address, user agent) ' +
      'and in the access log by it; null for the operator CLI and for what the service records by itself.',
  })
  request_id!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event as stored, without the key hash.' }) data!: Record<string, unknown>;
}

export class KeyHistoryResponse {
  @ApiProperty({ type: [KeyHistoryEventResponse] }) data!: KeyHistoryEventResponse[];
  @ApiProperty() has_more!: boolean;
  @ApiProperty({ type: String, nullable: true, pattern: KEY_HISTORY_CURSOR_PATTERN }) next_cursor!: string | null;
}
