import { Controller, Get, Param, Query, Req, Res, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { ApiKeyDetailResponse } from '../../presentation/api-key.response.js';
import { presentApiKeyDetail } from '../../presentation/present-api-key.js';
import { keyIdPipe } from '../../presentation/key-id.pipe.js';
import { GetApiKeyRequest } from './get-api-key.dto.js';
import { GetApiKeyQuery } from './get-api-key.query.js';
import { parseRfc3339 } from '../../../shared/domain/rfc3339.js';
import { etagOf } from '../../commands/if-match.js';

/** How long an as_of may replay a key's usage before it answers 503: past as_of on a key with millions of uses. */
const AS_OF_REPLAY_BUDGET_MS = 5000;

@ApiTags('API keys')
@Controller('v1/api-keys')
export class GetApiKeyController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':api_key_id')
  @ApiOperation({
    operationId: 'getApiKey',
    summary: 'Get one API key with its usage',
    description:
      'Redacted, like the listing. With as_of, the key as it was then, replayed from the event log; 503 when a replay of its usage would take over 5 s (an as_of at or after its last use is cheap); ' +
      '400 when as_of falls among uses an operator archived out of the log (docs/operations.md, "Usage retention").',
  })
  @ApiParam({ name: 'api_key_id', format: 'uuid', description: 'The key id, in any case.' })
  @ApiOkResponse({ description: 'The key with its usage (as it was at as_of, when given).', type: ApiKeyDetailResponse, headers: { ETag: { description: "The key's version (its stream revision), for PATCH's If-Match.", schema: { type: 'string' } } } })
  @AuthenticatedRoute(400, 404, 429)
  async get(
    @Param('api_key_id', keyIdPipe) keyId: string,
    @Query() query: GetApiKeyRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ApiKeyDetailResponse> {
    // The ETag versions the key for PATCH's If-Match; the usage in the body changes without it. So a conditional
    // GET is answered in full: express would answer 304 to a matching If-None-Match, stale counts and all.
    delete req.headers['if-none-match'];
    const asOf = query.as_of ? parseRfc3339(query.as_of) : null;
    const { view, usage, sinceRoll } = await this.queryBus.execute(new GetApiKeyQuery(principal.accountId, keyId, asOf, true, AS_OF_REPLAY_BUDGET_MS));
    res.setHeader('ETag', etagOf(view.revision));
    return presentApiKeyDetail(view, usage, asOf ?? new Date(this.clock.now()), sinceRoll ?? null);
  }
}
