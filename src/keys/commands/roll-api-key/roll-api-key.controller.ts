import { Body, Controller, HttpCode, Param, Post, Req, Res, Inject } from '@nestjs/common';
import { DatedByThisClock } from '../clock-in-step.guard.js';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { ProjectionProgress } from '../../../shared/projections/projection-progress.js';
import { CurrentPrincipal } from '../../authentication/current-principal.decorator.js';
import type { Principal } from '../../authentication/principal.js';
import { RolledApiKeyResponse } from '../../presentation/api-key.response.js';
import { CREATED_KEY_LOCATION_HEADER, setCreatedKeyLocation } from '../../presentation/created-key-location.js';
import { AuthenticatedRoute } from '../../presentation/api-responses.decorator.js';
import { keyAfterChange, READ_MODELS_CATCHING_UP_HEADER } from '../../presentation/key-after-change.js';
import { keyIdPipe } from '../../presentation/key-id.pipe.js';
import { IfMatchHeader, keyChangeRequest } from '../key-change-request.js';
import { presentCreatedApiKey } from '../create-api-key/created-api-key.presenter.js';
import { RollApiKeyCommand } from './roll-api-key.command.js';
import { RollApiKeyRequest } from './roll-api-key.dto.js';
import { IDEMPOTENT_REPLAYED_HEADER, IdempotencyKeyHeader, readIdempotencyKey } from '../idempotency/idempotency-key-header.js';
import { reissuedKeyAnswer } from '../idempotency/reissued-key-answer.js';
import { idempotentRequest } from '../idempotency/idempotent-request.js';
import { IdempotentRequestsInFlight } from '../idempotency/idempotent-requests-in-flight.js';

@ApiTags('API keys')
@Controller('v1/api-keys')
export class RollApiKeyController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly projections: ProjectionProgress,
    private readonly inFlight: IdempotentRequestsInFlight,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':api_key_id/roll')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'rollApiKey',
    summary: 'Roll an API key, with a grace period',
    description:
      'Creates a successor that inherits the name, rate limit, permissions, address restriction and expiry; its full key is in this ' +
      'response only. The old key keeps working until grace_seconds have passed (or, with close_when_idle_seconds, until it has gone ' +
      'unused that long), then expires. Both keys link to each other (predecessor_id, rotation.successor_id), and so do their histories. ' +
      '403 when the successor would hold more than the calling key: permissions it lacks, addresses outside its own, an expiry ' +
      'later than its own end (or none when it has one), a rate limit above its own. 409 for a revoked, expired or already rolled key, ' +
      'for a roll with grace in an account that holds its limit of live keys (MAX_KEYS_PER_ACCOUNT; a roll with grace_seconds 0 adds none), ' +
      'and for an Idempotency-Key that cannot be answered (see the 409 response).',
  })
  @ApiParam({ name: 'api_key_id', format: 'uuid', description: 'The key id, in any case.' })
  @ApiCreatedResponse({
    description: 'The successor, its full `key` in this answer only, with `rolled`: the old key as the roll left it.',
    type: RolledApiKeyResponse,
    headers: { ...CREATED_KEY_LOCATION_HEADER, ...IDEMPOTENT_REPLAYED_HEADER, ...READ_MODELS_CATCHING_UP_HEADER },
  })
  @IfMatchHeader()
  @IdempotencyKeyHeader(
    'The key is revoked, expired or already rolled; a concurrency race that retrying could not resolve; for a roll with grace_seconds above 0, ' +
      'the account already holds its limit of live keys (MAX_KEYS_PER_ACCOUNT): revoke keys to make room',
  )
  @AuthenticatedRoute(400, 404, 412, 429)
  @DatedByThisClock()
  async roll(
    @Param('api_key_id', keyIdPipe) keyId: string,
    @Body() body: RollApiKeyRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RolledApiKeyResponse> {
    const change = keyChangeRequest(keyId, principal, req);
    const idempotencyKey = readIdempotencyKey(req);
    const { grace_seconds, close_when_idle_seconds } = body;
    const idempotency =
      idempotencyKey === null
        ? null
        : idempotentRequest(idempotencyKey, { accountId: principal.accountId, actingKeyId: principal.keyId }, 'roll', { key_id: keyId, grace_seconds, close_when_idle_seconds });
    return this.inFlight.run(idempotency, async () => {
      const { successor, rolled } = await this.commandBus.execute(new RollApiKeyCommand(change, grace_seconds, close_when_idle_seconds ?? null, idempotency));
      const now = new Date(this.clock.now());
      const { keyId: id, position, reissued: view, key } = successor;
      const answer = view === undefined ? presentCreatedApiKey(successor) : await reissuedKeyAnswer(this.projections, this.queryBus, res, { keyId: id, position, view, key, now });
      const old = await keyAfterChange(this.projections, this.queryBus, res, { ...rolled, now });
      res.removeHeader('ETag');
      setCreatedKeyLocation(res, successor.keyId);
      return { ...answer, rolled: old };
    });
  }
}
