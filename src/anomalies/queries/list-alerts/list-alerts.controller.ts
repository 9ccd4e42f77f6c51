import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../../keys/authentication/current-principal.decorator.js';
import type { Principal } from '../../../keys/authentication/principal.js';
import { AuthenticatedRoute } from '../../../keys/presentation/api-responses.decorator.js';
import { ErrorResponse } from '../../../shared/http/error-response.openapi.js';
import { ALERTS_PAGE_SIZE, AlertListResponse, ListAlertsRequest, presentAlert } from './list-alerts.dto.js';
import { ListAlertsQuery } from './list-alerts.query.js';

@ApiTags('Alerts')
@Controller('v1/alerts')
export class ListAlertsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'listAlerts', summary: "List the account's anomaly alerts", description: 'Newest first; filter by key and rule.' })
  @ApiOkResponse({ description: "A page of the account's alerts, newest first.", type: AlertListResponse })
  @AuthenticatedRoute(400, 429)
  // Its own 404: the key routes' "No such API key" is never this route's answer (a key_id of no key of the account gives an empty page).
  @ApiResponse({ status: 404, description: 'starting_after names no alert of this account (unknown, or another account\'s: the two look the same).', type: ErrorResponse })
  async list(@Query() query: ListAlertsRequest, @CurrentPrincipal() principal: Principal): Promise<AlertListResponse> {
    const page = await this.queryBus.execute(
      new ListAlertsQuery(principal.accountId, query.limit ?? ALERTS_PAGE_SIZE, query.key_id, query.rule, query.starting_after),
    );
    return { data: page.views.map(presentAlert), has_more: page.hasMore };
  }
}
