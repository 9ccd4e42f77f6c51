import { Command } from '@nestjs/cqrs';
import type { UpdateApiKey } from '../../domain/api-key-decider.js';
import type { KeyChanged, KeyChangeRequest } from '../key-change.js';

export class UpdateApiKeyCommand extends Command<KeyChanged> {
  constructor(
    readonly request: KeyChangeRequest,
    readonly changes: UpdateApiKey['changes'],
  ) {
    super();
  }
}
