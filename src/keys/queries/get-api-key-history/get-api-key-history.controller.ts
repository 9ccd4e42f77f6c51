import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { keyIdPipe } from '../../presentation/key-id.pipe.js';
import { GetApiKeyHistoryRequest, HISTORY_PAGE_SIZE, KeyHistoryResponse } from './get-api-key-history.dto.js';
import { GetApiKeyHistoryQuery } from './get-api-key-history.query.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './key-history-cursor.js';
import { presentHistoryEvent } from './key-history.presenter.js';

@ApiTags('API keys')
@Controller('v1/api-keys')
export class GetApiKeyHistoryController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':api_key_id/events')
  @ApiOperation({
    operationId: 'getApiKeyHistory',
    summary: "A key's history from the event log",
    description:
      'Lifecycle events and uses, oldest first by the time they happened (or in log order with order=log; newest first ' +
      'with direction=newest_first), each with its log position, paginated with next_cursor.',
  })
  @ApiParam({ name: 'api_key_id', format: 'uuid', description: 'The key id, in any case.' })
  @ApiOkResponse({ description: "A page of the key's history; next_cursor asks for the next.", type: KeyHistoryResponse })
  @AuthenticatedRoute(400, 404, 429)
  async history(
    @Param('api_key_id', keyIdPipe) keyId: string,
    @Query() query: GetApiKeyHistoryRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<KeyHistoryResponse> {
    const cursor = (query.cursor && decodeHistoryCursor(query.cursor)) || null;
    const page = await this.queryBus.execute(
      new GetApiKeyHistoryQuery(principal.accountId, keyId, query.limit ?? HISTORY_PAGE_SIZE, cursor, query.order ?? 'occurred', query.direction ?? 'oldest_first'),
    );
    return {
      data: page.events.map(presentHistoryEvent),
      has_more: page.next !== null,
      next_cursor: page.next ? encodeHistoryCursor(page.next) : null,
    };
  }
}
