import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import type { KeyChanged } from '../key-change.js';
import { setKeyEnabled } from '../set-key-enabled.js';
import { EnableApiKeyCommand } from './enable-api-key.command.js';

@CommandHandler(EnableApiKeyCommand)
export class EnableApiKeyHandler implements ICommandHandler<EnableApiKeyCommand, KeyChanged> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ request }: EnableApiKeyCommand): Promise<KeyChanged> {
    return setKeyEnabled(this.store, this.clock, request, true);
  }
}
