import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { ApiKeyDetailResponse } from '../../presentation/api-key.response.js';
import { presentApiKeyDetail } from '../../presentation/present-api-key.js';
import { etagOf } from '../../commands/if-match.js';
import { type ApiKeyWithUsage, GetApiKeyQuery } from '../get-api-key/get-api-key.query.js';
import { READ_MODELS_CATCHING_UP_HEADER, READ_MODELS_HEADER } from '../../presentation/key-after-change.js';
import { StoreUnavailableError } from '../../../shared/storage/store-unavailable.error.js';

/**
 * The key a request is made with, as GET /v1/api-keys/{id} answers it: how a client that holds only the secret (the
 * dashboard) learns its key's id and permissions, whatever the size of the account. Beside /v1/api-keys, not under it:
 * a word there would also match `{api_key_id}`, whose DELETE and PATCH would then answer it instead of a 405.
 */
@ApiTags('API keys')
@Controller('v1/whoami')
export class GetOwnApiKeyController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getOwnApiKey',
    summary: 'Get the API key this request is made with',
    description:
      'The key of the Authorization header, with its usage, as GET /v1/api-keys/{api_key_id} answers it (its id, permissions, allowed addresses, expiry, rate limit), ' +
      'so that a client holding only the key learns what it may do. Needs keys:read, like every read. While the read-model store cannot be read, ' +
      'the usage is replayed from the event log and the answer carries `ParseSphere-Read-Models: catching-up`.',
  })
  @ApiOkResponse({ description: 'The key this request is made with, with its usage.', type: ApiKeyDetailResponse, headers: { ETag: { description: "The key's version (its stream revision), for PATCH's If-Match.", schema: { type: 'string' } }, ...READ_MODELS_CATCHING_UP_HEADER } })
  @AuthenticatedRoute(400, 429)
  async get(@CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<ApiKeyDetailResponse> {
    // As on GET /v1/api-keys/{id}: the usage changes without the ETag, so a conditional GET is answered in full.
    delete req.headers['if-none-match'];
    const { view, usage, sinceRoll } = await this.ownKey(principal, res);
    res.setHeader('ETag', etagOf(view.revision));
    return presentApiKeyDetail(view, usage, new Date(this.clock.now()), sinceRoll ?? null);
  }

  /**
   * The key with its usage from its view; while the read-model store cannot be read, with its usage as the log has it
   * and `ParseSphere-Read-Models: catching-up`, as a revocation answers: the key is in the key table, and this call is
   * the dashboard's sign-in, whose listing answers through such an outage.
   */
  private async ownKey(principal: Principal, res: Response): Promise<ApiKeyWithUsage> {
    try {
      return await this.queryBus.execute(new GetApiKeyQuery(principal.accountId, principal.keyId, null, true));
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      const found = await this.queryBus.execute(new GetApiKeyQuery(principal.accountId, principal.keyId, null, true, null, 'log'));
      res.setHeader(READ_MODELS_HEADER, 'catching-up');
      return found;
    }
  }
}
