import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ProjectionProgress } from '../../../shared/projections/projection-progress.js';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { CreatedApiKeyResponse } from '../../presentation/api-key.response.js';
import { CreateApiKeyCommand } from './create-api-key.command.js';
import { CreateApiKeyRequest } from './create-api-key.dto.js';
import { presentCreatedApiKey } from './created-api-key.presenter.js';

@ApiTags('API keys')
@Controller('v1/api-keys')
export class CreateApiKeyController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly projections: ProjectionProgress,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key', description: 'The full key is in this response only.' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @AuthenticatedRoute(400, 413, 415, 429)
  async create(
    @Body() body: CreateApiKeyRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<CreatedApiKeyResponse> {
    const created = await this.commandBus.execute(
      new CreateApiKeyCommand(
        principal.accountId,
        body.name ?? null,
        body.rate_limit ? { requests: body.rate_limit.requests, perSeconds: body.rate_limit.per_seconds } : null,
        principal.keyId,
        req.requestId,
      ),
    );
    await this.projections.caughtUpTo(created.position);
    return presentCreatedApiKey(created);
  }
}
