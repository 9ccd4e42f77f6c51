import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { decideOnKey } from '../decide-on-key.js';
import type { KeyChanged } from '../key-change.js';
import { DisableApiKeyCommand } from './disable-api-key.command.js';

@CommandHandler(DisableApiKeyCommand)
export class DisableApiKeyHandler implements ICommandHandler<DisableApiKeyCommand, KeyChanged> {
  private readonly logger = new Logger('Keys');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request }: DisableApiKeyCommand): Promise<KeyChanged> {
    const now = new Date(this.clock.now()).toISOString();
    const { keyId, accountId, actor, requestId } = request;
    const decision = await decideOnKey(this.store, keyId, () => ({ type: 'DisableApiKey', keyId, accountId, actor, now }), { requestId });
    const changed = decision.events.length > 0;
    if (changed) this.logger.log({ msg: 'key disabled', keyId, accountId, requestId: requestId ?? undefined, actingKeyId: actor?.keyId ?? undefined });
    return { keyId, position: decision.position, revision: decision.revision, changed };
  }
}
