import { Command } from '@nestjs/cqrs';
import type { KeyRateLimit } from '../../domain/api-key-events.js';

export interface CreatedApiKey {
  keyId: string;
  accountId: string;
  /** The plaintext key: returned once to the creator, stored nowhere. */
  key: string;
  prefix: string;
  name: string | null;
  rateLimit: KeyRateLimit;
  createdAt: string;
  /** Global position of the KeyCreated event. */
  position: number;
}

export class CreateApiKeyCommand extends Command<CreatedApiKey> {
  constructor(
    readonly accountId: string,
    readonly name: string | null,
    /** Null applies the configured default. */
    readonly rateLimit: KeyRateLimit | null,
    /** The key that authenticated the request; null when the operator CLI creates a key. */
    readonly actingKeyId: string | null,
    readonly requestId: string | null,
  ) {
    super();
  }
}
