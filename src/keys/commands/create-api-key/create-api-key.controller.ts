import { Body, Controller, HttpCode, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import { DatedByThisClock } from '../clock-in-step.guard.js';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { InvalidRequest, ServiceUnavailable } from '../../../shared/application/errors.js';
import { ProjectionProgress } from '../../../shared/projections/projection-progress.js';
import { API_KEY_EVENT_TYPES } from '../../domain/api-key-events.js';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { CreatedApiKeyResponse } from '../../presentation/api-key.response.js';
import { CREATED_KEY_LOCATION_HEADER, setCreatedKeyLocation } from '../../presentation/created-key-location.js';
import { CreateApiKeyCommand } from './create-api-key.command.js';
import { CreateApiKeyRequest } from './create-api-key.dto.js';
import { presentCreatedApiKey } from './created-api-key.presenter.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { IDEMPOTENT_REPLAYED_HEADER, IdempotencyKeyHeader, readIdempotencyKey } from '../idempotency/idempotency-key-header.js';
import { reissuedKeyAnswer } from '../idempotency/reissued-key-answer.js';
import { READ_MODELS_CATCHING_UP_HEADER } from '../../presentation/key-after-change.js';
import { idempotentRequest } from '../idempotency/idempotent-request.js';
import { IdempotentRequestsInFlight } from '../idempotency/idempotent-requests-in-flight.js';

@ApiTags('API keys')
@Controller('v1/api-keys')
export class CreateApiKeyController {
  private readonly logger = new Logger(CreateApiKeyController.name);

  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly projections: ProjectionProgress,
    private readonly inFlight: IdempotentRequestsInFlight,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description:
      'The full key is in this response only. 409 when the account already holds its limit of live keys (MAX_KEYS_PER_ACCOUNT), ' +
      'and for an Idempotency-Key that cannot be answered (see the 409 response).',
  })
  @ApiExtraModels(CreateApiKeyRequest)
  @ApiBody({
    required: false,
    description: 'Optional: no body is the same as `{}`. expires_at and expires_in_seconds exclude each other.',
    schema: { allOf: [{ $ref: getSchemaPath(CreateApiKeyRequest) }], not: { required: ['expires_at', 'expires_in_seconds'] } },
  })
  @ApiCreatedResponse({
    description: 'The new key, its full `key` in this answer only; for a repeated Idempotency-Key, the key the first request made with a new secret.',
    type: CreatedApiKeyResponse,
    headers: { ...CREATED_KEY_LOCATION_HEADER, ...IDEMPOTENT_REPLAYED_HEADER, ...READ_MODELS_CATCHING_UP_HEADER },
  })
  @IdempotencyKeyHeader('The account already holds its limit of live keys (MAX_KEYS_PER_ACCOUNT): revoke keys to make room')
  @AuthenticatedRoute(400, 429)
  @DatedByThisClock()
  async create(
    @Body() body: CreateApiKeyRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedApiKeyResponse> {
    if (body.expires_at !== undefined && body.expires_in_seconds !== undefined) {
      throw new InvalidRequest('Give expires_at or expires_in_seconds, not both.');
    }
    const idempotencyKey = readIdempotencyKey(req);
    // The request as the key is made of it: a null name is no name, and a name is stored in NFC, so that
    // `{"name": null}` repeats `{}` and "Cle\u0301" repeats "Clé".
    const asMade = { ...body, name: body.name?.normalize('NFC') ?? undefined };
    const idempotency =
      idempotencyKey === null ? null : idempotentRequest(idempotencyKey, { accountId: principal.accountId, actingKeyId: principal.keyId }, 'create', asMade);
    return this.inFlight.run(idempotency, async () => {
      const created = await this.commandBus.execute(
        new CreateApiKeyCommand(
          principal.accountId,
          body.name ?? null,
          body.rate_limit ? { requests: body.rate_limit.requests, perSeconds: body.rate_limit.per_seconds } : null,
          principal,
          req.requestId,
          { permissions: body.permissions, allowedIps: body.allowed_ips, expiresAt: body.expires_at, expiresInSeconds: body.expires_in_seconds },
          idempotency,
        ),
      );
      setCreatedKeyLocation(res, created.keyId);
      if (created.reissued !== undefined) {
        const { keyId, position, reissued: view, key } = created;
        return reissuedKeyAnswer(this.projections, this.queryBus, res, { keyId, position, view, key, now: new Date(this.clock.now()) });
      }
      // The key exists once its event is appended: if a read model cannot show it yet, the caller
      // still gets the key (the only time it can), and the listing catches up when the store is back.
      await this.projections.caughtUpTo(created.position, API_KEY_EVENT_TYPES).catch((error: unknown) => {
        if (!(error instanceof ServiceUnavailable)) throw error;
        this.logger.warn(`Key ${created.keyId} created; read models not caught up: ${error.message}`);
      });
      return presentCreatedApiKey(created);
    });
  }
}
