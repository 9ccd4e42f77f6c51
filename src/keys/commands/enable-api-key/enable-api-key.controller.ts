import { Controller, HttpCode, Param, Post, Req, Res, Inject } from '@nestjs/common';
import { DatedByThisClock } from '../clock-in-step.guard.js';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { ProjectionProgress } from '../../../shared/projections/projection-progress.js';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { ApiKeyResponse } from '../../presentation/api-key.response.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { keyAfterChange, READ_MODELS_CATCHING_UP_HEADER } from '../../presentation/key-after-change.js';
import { keyIdPipe } from '../../presentation/key-id.pipe.js';
import { IfMatchHeader, keyChangeRequest } from '../key-change-request.js';
import { EnableApiKeyCommand } from './enable-api-key.command.js';

const DESCRIPTION = {
  summary: 'Enable a disabled API key',
  description:
    'The key authenticates again. Enabling an enabled key changes nothing and answers the same. 409 for a revoked or expired key.',
};

@ApiTags('API keys')
@Controller('v1/api-keys')
export class EnableApiKeyController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly projections: ProjectionProgress,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':api_key_id/enable')
  @HttpCode(200)
  @ApiOperation({ operationId: 'enableApiKey', summary: DESCRIPTION.summary, description: DESCRIPTION.description })
  @ApiParam({ name: 'api_key_id', format: 'uuid', description: 'The key id, in any case.' })
  @ApiOkResponse({ description: 'The key, enabled.', type: ApiKeyResponse, headers: { ETag: { description: "The key's version (its stream revision), for If-Match.", schema: { type: 'string' } }, ...READ_MODELS_CATCHING_UP_HEADER } })
  @IfMatchHeader()
  @AuthenticatedRoute(400, 404, 409, 412, 429)
  @DatedByThisClock()
  async enable(
    @Param('api_key_id', keyIdPipe) keyId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ApiKeyResponse> {
    const changed = await this.commandBus.execute(new EnableApiKeyCommand(keyChangeRequest(keyId, principal, req)));
    return keyAfterChange(this.projections, this.queryBus, res, { ...changed, now: new Date(this.clock.now()) });
  }
}
