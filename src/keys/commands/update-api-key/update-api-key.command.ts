import { Command } from '@nestjs/cqrs';
import type { UpdateApiKey } from '../../domain/api-key-decider.js';
import type { KeyChanged, KeyChangeRequest } from '../key-change.js';

export class UpdateApiKeyCommand extends Command<KeyChanged> {
  constructor(
    readonly request: KeyChangeRequest,
    readonly changes: UpdateApiKey['changes'],
    /** The If-Match header when given: the change is refused (412) unless it names the key's current revision. */
    readonly ifMatch: string | null,
  ) {
    super();
  }
}
