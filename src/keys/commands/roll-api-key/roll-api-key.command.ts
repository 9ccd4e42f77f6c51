import { Command } from '@nestjs/cqrs';
import type { CreatedApiKey } from '../create-api-key/create-api-key.command.js';
import type { IdempotentRequest } from '../idempotency/idempotent-request.js';
import type { KeyChanged, KeyChangeRequest } from '../key-change.js';

export interface RolledApiKey {
  /** For a repeated Idempotency-Key, the successor its first request made, with a new secret (`reissued`). */
  successor: CreatedApiKey;
  /** The old key: for a repeat, as it is now (`changed` false). */
  rolled: KeyChanged;
}

export class RollApiKeyCommand extends Command<RolledApiKey> {
  constructor(
    readonly request: KeyChangeRequest,
    readonly graceSeconds: number,
    readonly closeWhenIdleSeconds: number | null,
    /** The request's Idempotency-Key, when it has one: its claim. */
    readonly idempotency: IdempotentRequest | null = null,
  ) {
    super();
  }
}
