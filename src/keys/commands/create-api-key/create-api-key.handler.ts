import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Environment } from '../../../shared/config/environment.js';
import { fold } from '../../../shared/domain/decider.js';
import { decideAndAppend } from '../../../shared/event-store/decide-and-append.js';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { fromRecordedEvent, toEventToAppend } from '../../api-key-event-codec.js';
import { apiKeyDecider } from '../../domain/api-key-decider.js';
import { apiKeyStreamId, type KeyCreated, type KeyRateLimit } from '../../domain/api-key-events.js';
import { displayPrefix, generateApiKey, hashApiKey } from '../../domain/api-key-secret.js';
import { CreateApiKeyCommand, type CreatedApiKey } from './create-api-key.command.js';

@CommandHandler(CreateApiKeyCommand)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKeyCommand, CreatedApiKey> {
  private readonly defaultRateLimit: KeyRateLimit;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(Environment) config: Environment,
  ) {
    this.defaultRateLimit = {
      requests: config.RATE_LIMIT_REQUESTS,
      perSeconds: config.RATE_LIMIT_PER_SECONDS,
    };
  }

  async execute(command: CreateApiKeyCommand): Promise<CreatedApiKey> {
    const keyId = randomUUID();
    const key = generateApiKey();
    const prefix = displayPrefix(key);
    const createdAt = new Date().toISOString();
    const rateLimit = command.rateLimit ?? this.defaultRateLimit;
    const outcome = await decideAndAppend(this.store, apiKeyStreamId(keyId), (history) =>
      apiKeyDecider.decide(fold(apiKeyDecider, history.map(fromRecordedEvent)), {
        type: 'CreateApiKey',
        keyId,
        accountId: command.accountId,
        name: command.name,
        prefix,
        secretHash: hashApiKey(key),
        rateLimit,
        actingKeyId: command.actingKeyId,
        now: createdAt,
      }).map((event) => toEventToAppend(event, { requestId: command.requestId })),
    );
    // The name as recorded (keys in it redacted), so the answer shows what every later read will.
    const { name } = (outcome.appended[0].data as KeyCreated['data']);
    return { keyId, accountId: command.accountId, key, prefix, name, rateLimit, createdAt, position: outcome.position! };
  }
}
