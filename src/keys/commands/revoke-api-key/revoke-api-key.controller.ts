import { Controller, Delete, Inject, Param, ParseUUIDPipe, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { DomainError } from '../../../shared/domain/domain-error.js';
import { ProjectionProgress } from '../../../shared/projections/projection-progress.js';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../../projection/api-key-read-model.port.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { ApiKeyResponse, presentApiKey } from '../../presentation/api-key.response.js';
import { RevokeApiKeyCommand } from './revoke-api-key.command.js';

const keyIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new DomainError('INVALID_REQUEST', 'api_key_id must be a UUID.'),
});

@ApiTags('API keys')
@Controller('v1/api-keys')
export class RevokeApiKeyController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly projections: ProjectionProgress,
    @Inject(API_KEY_READ_MODEL) private readonly readModel: ApiKeyReadModel,
  ) {}

  @Delete(':api_key_id')
  @ApiOperation({
    summary: 'Revoke an API key',
    description: 'Immediate and irreversible. Revoking a revoked key changes nothing and answers the same.',
  })
  @ApiParam({ name: 'api_key_id', format: 'uuid' })
  @ApiOkResponse({ type: ApiKeyResponse })
  @AuthenticatedRoute(400, 404, 409)
  async revoke(
    @Param('api_key_id', keyIdPipe) keyId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<ApiKeyResponse> {
    const revoked = await this.commandBus.execute(
      new RevokeApiKeyCommand(keyId, principal.accountId, principal.keyId, req.requestId),
    );
    await this.projections.caughtUpTo(revoked.position);
    const view = await this.readModel.findById(principal.accountId, keyId);
    if (!view) throw new DomainError('SERVICE_UNAVAILABLE', 'The revocation was recorded but is not yet visible.');
    return presentApiKey(view);
  }
}
