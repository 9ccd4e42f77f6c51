import { Controller, Delete, Param, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ProjectionProgress } from '../../../shared/projections/projection-progress.js';
import { API_KEY_EVENT_TYPES } from '../../domain/api-key-events.js';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { ApiKeyResponse, presentApiKey } from '../../presentation/api-key.response.js';
import { keyIdPipe } from '../../presentation/key-id.pipe.js';
import { GetApiKeyQuery } from '../../queries/get-api-key/get-api-key.query.js';
import { RevokeApiKeyCommand } from './revoke-api-key.command.js';

@ApiTags('API keys')
@Controller('v1/api-keys')
export class RevokeApiKeyController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly projections: ProjectionProgress,
    private readonly queryBus: QueryBus,
  ) {}

  @Delete(':api_key_id')
  @ApiOperation({
    summary: 'Revoke an API key',
    description: 'Immediate and irreversible. Revoking a revoked key changes nothing and answers the same.',
  })
  @ApiParam({ name: 'api_key_id', format: 'uuid' })
  @ApiOkResponse({ type: ApiKeyResponse })
  @AuthenticatedRoute(400, 404, 409, 429)
  async revoke(
    @Param('api_key_id', keyIdPipe) keyId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<ApiKeyResponse> {
    const revoked = await this.commandBus.execute(
      new RevokeApiKeyCommand(keyId, principal.accountId, principal.keyId, req.requestId),
    );
    await this.projections.caughtUpTo(revoked.position, API_KEY_EVENT_TYPES);
    const { view, usage } = await this.queryBus.execute(new GetApiKeyQuery(principal.accountId, keyId));
    return presentApiKey(view, usage);
  }
}
