import { Controller, Get, Query, Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { ApiKeyListResponse } from '../../presentation/api-key.response.js';
import { presentApiKey } from '../../presentation/present-api-key.js';
import { ListApiKeysRequest } from './list-api-keys.dto.js';
import { ListApiKeysQuery } from './list-api-keys.query.js';

const DEFAULT_PAGE_SIZE = 20;

@ApiTags('API keys')
@Controller('v1/api-keys')
export class ListApiKeysController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List API keys',
    description: 'Newest first, redacted: only the prefix of each key is shown. status= keeps the keys of one status.',
  })
  @ApiOkResponse({ type: ApiKeyListResponse })
  @AuthenticatedRoute(400, 404, 429)
  async list(@Query() query: ListApiKeysRequest, @CurrentPrincipal() principal: Principal): Promise<ApiKeyListResponse> {
    const now = new Date(this.clock.now());
    const page = await this.queryBus.execute(
      new ListApiKeysQuery(principal.accountId, query.limit ?? DEFAULT_PAGE_SIZE, query.starting_after ?? null, query.status ?? null, now),
    );
    return { data: page.keys.map(({ view, usage }) => presentApiKey(view, usage, now)), has_more: page.hasMore };
  }
}
