import { Body, Controller, Param, Patch, Req, Res, Inject } from '@nestjs/common';
import { DatedByThisClock } from '../clock-in-step.guard.js';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { ProjectionProgress } from '../../../shared/projections/projection-progress.js';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { ApiKeyResponse } from '../../presentation/api-key.response.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { keyAfterChange, READ_MODELS_CATCHING_UP_HEADER } from '../../presentation/key-after-change.js';
import { keyIdPipe } from '../../presentation/key-id.pipe.js';
import { UpdateApiKeyCommand } from './update-api-key.command.js';
import { IfMatchHeader, keyChangeRequest } from '../key-change-request.js';
import { UpdateApiKeyRequest } from './update-api-key.dto.js';

@ApiTags('API keys')
@Controller('v1/api-keys')
export class UpdateApiKeyController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly projections: ProjectionProgress,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Patch(':api_key_id')
  @ApiOperation({
    operationId: 'updateApiKey',
    summary: 'Change an API key',
    description:
      'name, rate_limit, permissions, allowed_ips and expires_at; absent fields do not change. A key can only grant permissions it ' +
      'holds, addresses within its own restriction, an expires_at no later than its own end (never null when it has one) and a ' +
      'rate_limit within its own (403). With If-Match (the ETag of a GET or an earlier change), a key changed ' +
      'since answers 412 and nothing is changed. 409 for a revoked or expired key.',
  })
  @ApiParam({ name: 'api_key_id', format: 'uuid', description: 'The key id, in any case.' })
  @IfMatchHeader()
  @ApiBody({ type: UpdateApiKeyRequest, required: false, description: 'Optional: no body is the same as `{}`.' })
  @ApiOkResponse({ description: 'The key as changed.', type: ApiKeyResponse, headers: { ETag: { description: "The key's new version, for the next If-Match.", schema: { type: 'string' } }, ...READ_MODELS_CATCHING_UP_HEADER } })
  @AuthenticatedRoute(400, 404, 409, 412, 429)
  @DatedByThisClock()
  async update(
    @Param('api_key_id', keyIdPipe) keyId: string,
    @Body() body: UpdateApiKeyRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ApiKeyResponse> {
    const changes = {
      name: body.name,
      rateLimit: body.rate_limit ? { requests: body.rate_limit.requests, perSeconds: body.rate_limit.per_seconds } : undefined,
      permissions: body.permissions,
      allowedIps: body.allowed_ips,
      expiresAt: body.expires_at,
    };
    const changed = await this.commandBus.execute(new UpdateApiKeyCommand(keyChangeRequest(keyId, principal, req), changes));
    return keyAfterChange(this.projections, this.queryBus, res, { ...changed, now: new Date(this.clock.now()) });
  }
}
