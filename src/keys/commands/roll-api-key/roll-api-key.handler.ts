import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Environment } from '../../../shared/config/environment.js';
import { fold } from '../../../shared/domain/decider.js';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { fromRecordedEvent } from '../../api-key-event-codec.js';
import { type ApiKeyState, apiKeyDecider, type RollApiKey } from '../../domain/api-key-decider.js';
import { KeyNotFound } from '../../domain/api-key-errors.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { KeyIssuer } from '../create-api-key/create-api-key.handler.js';
import { decideOnKey } from '../decide-on-key.js';
import { RollApiKeyCommand, type RolledApiKey } from './roll-api-key.command.js';

/**
 * A roll touches two streams: the successor's KeyCreated (rolledFromKeyId) first, then the old key's KeyRolled
 * (successorKeyId) with the revision it was decided on. The roll is decided once before the successor exists, so
 * a refused roll creates nothing; should the old key change in between, the successor is revoked at once.
 */
@CommandHandler(RollApiKeyCommand)
export class RollApiKeyHandler implements ICommandHandler<RollApiKeyCommand, RolledApiKey> {
  private readonly logger = new Logger('Keys');
  private readonly issuer: KeyIssuer;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(Environment) config: Environment,
  ) {
    this.issuer = new KeyIssuer(store, config, clock);
  }

  async execute({ request, graceSeconds, closeWhenIdleSeconds }: RollApiKeyCommand): Promise<RolledApiKey> {
    const { keyId, accountId, actor, requestId } = request;
    const successorKeyId = randomUUID();
    const roll = (now: string): RollApiKey => ({ type: 'RollApiKey', keyId, accountId, actor, now, successorKeyId, graceSeconds, closeWhenIdleSeconds });
    const state = fold(apiKeyDecider, (await this.store.readStream(apiKeyStreamId(keyId))).map(fromRecordedEvent));
    apiKeyDecider.decide(state, roll(new Date(this.clock.now()).toISOString()));
    const old = state as Exclude<ApiKeyState, { status: 'absent' }>;
    const successor = await this.issuer.issue(
      {
        accountId,
        name: old.name,
        rateLimit: old.rateLimit,
        actor,
        requestId,
        permissions: old.permissions,
        allowedIps: old.allowedIps,
        expiresAt: old.expiresAt,
        rolledFromKeyId: keyId,
      },
      successorKeyId,
    );
    let decision;
    try {
      decision = await decideOnKey(this.store, keyId, () => roll(new Date(this.clock.now()).toISOString()), { requestId });
    } catch (error) {
      await decideOnKey(this.store, successorKeyId, () => ({ type: 'RevokeApiKey', keyId: successorKeyId, accountId, actor: null, now: new Date(this.clock.now()).toISOString() }), { requestId });
      if (error instanceof KeyNotFound) throw new KeyNotFound(keyId);
      throw error;
    }
    this.logger.log({ msg: 'key rolled', keyId, successorKeyId, accountId, graceSeconds, requestId: requestId ?? undefined, actingKeyId: actor?.keyId ?? undefined });
    return { successor, rolled: { keyId, position: decision.position, revision: decision.revision, changed: true, view: decision.view } };
  }
}
