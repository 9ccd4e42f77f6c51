import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { fold } from '../../../shared/domain/decider.js';
import { decideAndAppend } from '../../../shared/event-store/decide-and-append.js';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { fromRecordedEvent, toEventToAppend } from '../../api-key-event-codec.js';
import { apiKeyDecider } from '../../domain/api-key-decider.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { RevokeApiKeyCommand, type RevokedApiKey } from './revoke-api-key.command.js';

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand, RevokedApiKey> {
  private readonly logger = new Logger('Keys');

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: RevokeApiKeyCommand): Promise<RevokedApiKey> {
    const now = new Date().toISOString();
    const outcome = await decideAndAppend(this.store, apiKeyStreamId(command.keyId), (history) =>
      apiKeyDecider.decide(fold(apiKeyDecider, history.map(fromRecordedEvent)), {
        type: 'RevokeApiKey',
        keyId: command.keyId,
        accountId: command.accountId,
        actingKeyId: command.actingKeyId,
        now,
      }).map((event) => toEventToAppend(event, { requestId: command.requestId })),
    );
    if (outcome.position !== null) {
      const created = outcome.history.length > 0 ? fromRecordedEvent(outcome.history[0]) : null;
      this.logger.log({
        msg: 'key revoked',
        keyId: command.keyId,
        accountId: command.accountId,
        prefix: created?.type === 'KeyCreated' ? created.data.prefix : undefined,
        requestId: command.requestId ?? undefined,
        actingKeyId: command.actingKeyId ?? undefined,
      });
    }
    // Revoking twice appends nothing; the caller still waits for the earlier revocation to be visible.
    const position = outcome.position ?? outcome.history[outcome.history.length - 1].position;
    return { keyId: command.keyId, position };
  }
}
