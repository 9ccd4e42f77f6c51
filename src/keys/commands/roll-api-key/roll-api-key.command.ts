import { Command } from '@nestjs/cqrs';
import type { CreatedApiKey } from '../create-api-key/create-api-key.command.js';
import type { KeyChanged, KeyChangeRequest } from '../key-change.js';

export interface RolledApiKey {
  successor: CreatedApiKey;
  rolled: KeyChanged;
}

export class RollApiKeyCommand extends Command<RolledApiKey> {
  constructor(
    readonly request: KeyChangeRequest,
    readonly graceSeconds: number,
    readonly closeWhenIdleSeconds: number | null,
  ) {
    super();
  }
}
