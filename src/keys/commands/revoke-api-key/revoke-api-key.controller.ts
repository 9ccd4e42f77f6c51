import { Controller, Delete, Inject, Param, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ProjectionProgress } from '../../../shared/projections/projection-progress.js';
import { REVOCATION_CONFIRMATIONS, type RevocationConfirmations } from '../../../shared/projections/revocation-confirmations.port.js';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { presentChangedKey, READ_MODELS_CATCHING_UP_HEADER } from '../../presentation/key-after-change.js';
import { keyIdPipe } from '../../presentation/key-id.pipe.js';
import { etagOf } from '../if-match.js';
import { IfMatchHeader, keyChangeRequest } from '../key-change-request.js';
import { RevokeApiKeyCommand } from './revoke-api-key.command.js';
import { revocationReceipt } from './revocation-receipt.js';
import { RevokedApiKeyResponse } from './revoked-api-key.response.js';

@ApiTags('API keys')
@Controller('v1/api-keys')
export class RevokeApiKeyController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly projections: ProjectionProgress,
    private readonly queryBus: QueryBus,
    @Inject(REVOCATION_CONFIRMATIONS) private readonly confirmations: RevocationConfirmations,
  ) {}

  @Delete(':api_key_id')
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description:
      'Immediate and irreversible. Revoking a revoked key changes nothing and answers the same. When the key\'s usage ' +
      'cannot be read, the answer carries it as the event log has it, with `ParseSphere-Read-Models: catching-up`: ' +
      'the revocation is in force all the same.',
  })
  @ApiParam({ name: 'api_key_id', format: 'uuid', description: 'The key id, in any case.' })
  @ApiOkResponse({ description: 'The key as revoked, with the receipt of its revocation.', type: RevokedApiKeyResponse, headers: { ETag: { description: "The key's version (its stream revision) as revoked.", schema: { type: 'string' } }, ...READ_MODELS_CATCHING_UP_HEADER } })
  @IfMatchHeader()
  @AuthenticatedRoute(400, 404, 409, 412, 429)
  async revoke(
    @Param('api_key_id', keyIdPipe) keyId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RevokedApiKeyResponse> {
    const revoked = await this.commandBus.execute(new RevokeApiKeyCommand(keyChangeRequest(keyId, principal, req)));
    // In force here once the key table has it, whatever the views: the receipt's time is taken then.
    await this.projections.inForce(revoked.position);
    const inForceAt = new Date();
    res.setHeader('ETag', etagOf(revoked.revision));
    const revocation = revocationReceipt(revoked.position, inForceAt, await this.confirmations.confirm(revoked.position));
    const key = await presentChangedKey(this.projections, this.queryBus, res, { ...revoked, now: new Date() });
    return { ...key, revocation };
  }
}
