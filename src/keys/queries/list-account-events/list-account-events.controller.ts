import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponse } from '../../../shared/http/error-response.openapi.js';
import { parseRfc3339 } from '../../../shared/domain/rfc3339.js';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { presentAccountEvent } from './account-event.presenter.js';
import { ACCOUNT_EVENTS_PAGE_SIZE, AccountEventListResponse, ListAccountEventsRequest } from './list-account-events.dto.js';
import { ListAccountEventsQuery } from './list-account-events.query.js';

const instant = (value: string | undefined): string | undefined => (value === undefined ? undefined : parseRfc3339(value)!.toISOString());

@ApiTags('Events')
@Controller('v1/events')
export class ListAccountEventsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    operationId: 'listAccountEvents',
    summary: "The account's audit log",
    description:
      "Every lifecycle event of the account's keys (created, changed, disabled, enabled, rolled, revoked, expired, secret reissued, reported leaked), " +
      'newest first in log order, each with who made it; never a use. Filter by kind, key, acting key and time. Needs keys:read.',
  })
  @ApiOkResponse({ description: "A page of the account's events, newest first.", type: AccountEventListResponse })
  @AuthenticatedRoute(400, 429)
  // Its own 404: a key_id or actor_key_id of no key of the account gives an empty page, never 404.
  @ApiResponse({ status: 404, description: "starting_after names no event of this account (unknown, or another account's: the two look the same).", type: ErrorResponse })
  async list(@Query() query: ListAccountEventsRequest, @CurrentPrincipal() principal: Principal): Promise<AccountEventListResponse> {
    const filter = {
      limit: query.limit ?? ACCOUNT_EVENTS_PAGE_SIZE,
      type: query.type,
      keyId: query.key_id,
      actorKeyId: query.actor_key_id,
      occurredGte: instant(query.created_gte),
      occurredLt: instant(query.created_lt),
    };
    const page = await this.queryBus.execute(new ListAccountEventsQuery(principal.accountId, filter, query.starting_after));
    return { data: page.views.map(presentAccountEvent), has_more: page.hasMore };
  }
}
