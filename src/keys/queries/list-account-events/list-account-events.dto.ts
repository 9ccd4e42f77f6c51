import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, ValidateBy } from 'class-validator';
import { LATEST_RFC3339_UTC_MS, parseRfc3339 } from '../../../shared/domain/rfc3339.js';
import { PageLimitRequest } from '../../../shared/http/page-limit.dto.js';
import { UuidQueryParameter } from '../../../shared/http/validation-rules.js';
import { API_KEY_EVENT_TYPES, type ApiKeyEventType } from '../../domain/api-key-events.js';

/** Entries a page when `limit` is absent. */
export const ACCOUNT_EVENTS_PAGE_SIZE = 20;

/** An RFC 3339 date-time query parameter, as as_of is read (any offset, years 0000-9999). */
function DateTimeQueryParameter(name: string): PropertyDecorator {
  return applyDecorators(
    ValidateBy({ name: 'isRfc3339DateTime', validator: { validate: (value) => typeof value === 'string' && parseRfc3339(value) !== null } }, {
      message: `${name} must be an RFC 3339 date-time, such as 2026-11-27T10:00:00Z`,
    }),
    ValidateBy(
      { name: 'isNoLaterThanYear9999', validator: { validate: (value) => typeof value !== 'string' || (parseRfc3339(value)?.getTime() ?? 0) <= LATEST_RFC3339_UTC_MS } },
      { message: `${name} must be no later than ${new Date(LATEST_RFC3339_UTC_MS).toISOString()}.` },
    ),
  );
}

export class ListAccountEventsRequest extends PageLimitRequest(ACCOUNT_EVENTS_PAGE_SIZE) {
  @ApiPropertyOptional({ format: 'uuid', description: 'The id of the last event of the previous page. It must be an event of this account: otherwise 404.' })
  @IsOptional()
  @UuidQueryParameter('starting_after must be an event id (a UUID)')
  starting_after?: string;

  @ApiPropertyOptional({ enum: API_KEY_EVENT_TYPES, description: 'Only events of this kind.' })
  @IsOptional()
  @IsIn(API_KEY_EVENT_TYPES, { message: `type must be one of ${API_KEY_EVENT_TYPES.join(', ')}` })
  type?: ApiKeyEventType;

  @ApiPropertyOptional({ format: 'uuid', description: "Only events of this key (any case). Another account's key and an id of no key give an empty page, never 404." })
  @IsOptional()
  @UuidQueryParameter('key_id must be an API key id (a UUID)')
  key_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Only changes this key made (any case). Another account's key and an id of no key give an empty page, never 404." })
  @IsOptional()
  @UuidQueryParameter('actor_key_id must be an API key id (a UUID)')
  actor_key_id?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T00:00:00Z', description: 'Only events that happened at or after this instant (RFC 3339).' })
  @IsOptional()
  @DateTimeQueryParameter('created_gte')
  created_gte?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-08T00:00:00Z', description: 'Only events that happened before this instant (RFC 3339).' })
  @IsOptional()
  @DateTimeQueryParameter('created_lt')
  created_lt?: string;
}

export class AccountEventActorResponse {
  @ApiProperty({
    enum: ['api_key', 'operator', 'system'],
    description: '`api_key`: a key of the account (key_id). `operator`: the operator CLI. `system`: the service by itself (reason).',
  })
  type!: 'api_key' | 'operator' | 'system';
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The key that made the change (type api_key).' }) key_id!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the service acted (type system): an expiry\'s reason (expires_at, grace_ended, idle), secret_scanning (a leak report and what it did), roll_not_recorded (a successor revoked when its roll could not be recorded).',
  })
  reason!: string | null;
}

export class AccountEventResponse {
  @ApiProperty({ format: 'uuid', description: "Stable id: the event's id in the log, the same after a replay." }) id!: string;
  @ApiProperty({ example: 'KeyUpdated', description: `The event's kind: ${API_KEY_EVENT_TYPES.join(', ')}. A later version of the service may add kinds.` })
  type!: string;
  @ApiProperty({ format: 'date-time', description: 'When it happened.' }) occurred_at!: string;
  @ApiProperty({ format: 'uuid', description: 'The key the event is about.' }) key_id!: string;
  @ApiProperty({ type: AccountEventActorResponse }) actor!: AccountEventActorResponse;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The request that made it (its X-Request-Id); null for the operator CLI and for the service. The acting key's history lists its use of that request, with the client address and user agent.",
  })
  request_id!: string | null;
  @ApiProperty({ type: 'integer', description: 'Position in the global log: the order of the listing.' }) position!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The event as stored, without the key hash: what changed, as the key's history shows it." })
  data!: Record<string, unknown>;
}

export class AccountEventListResponse {
  @ApiProperty({ type: [AccountEventResponse] }) data!: AccountEventResponse[];
  @ApiProperty() has_more!: boolean;
}
