import { Command } from '@nestjs/cqrs';
import type { KeyChanged, KeyChangeRequest } from '../key-change.js';

export class DisableApiKeyCommand extends Command<KeyChanged> {
  constructor(readonly request: KeyChangeRequest) {
    super();
  }
}
