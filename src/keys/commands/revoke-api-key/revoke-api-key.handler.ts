import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { decideOnKey } from '../decide-on-key.js';
import { RevokeApiKeyCommand, type RevokedApiKey } from './revoke-api-key.command.js';

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand, RevokedApiKey> {
  private readonly logger = new Logger('Keys');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request }: RevokeApiKeyCommand): Promise<RevokedApiKey> {
    const { keyId, accountId, actor, requestId, ifMatch } = request;
    const now = () => new Date(this.clock.now()).toISOString();
    const decision = await decideOnKey(this.store, keyId, () => ({ type: 'RevokeApiKey', keyId, accountId, actor, now: now() }), { requestId, accountId, ifMatch });
    if (decision.events.length > 0) {
      this.logger.log({
        msg: 'key revoked',
        keyId,
        accountId,
        prefix: decision.before.status === 'absent' ? undefined : decision.before.prefix,
        requestId: requestId ?? undefined,
        actingKeyId: actor?.keyId ?? undefined,
      });
    }
    // Revoking twice appends nothing; the caller still waits for the earlier revocation to be visible.
    return { keyId, position: decision.position, revision: decision.revision, view: decision.view };
  }
}
