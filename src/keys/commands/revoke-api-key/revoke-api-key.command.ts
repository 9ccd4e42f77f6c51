import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../domain/api-key-decider.js';
import type { ApiKeyView } from '../../projection/api-key-view.js';

export interface RevokedApiKey {
  keyId: string;
  /** Position of the KeyRevoked event, or of the stream's last event when it was already revoked. */
  position: number;
  /** The stream's revision after the revocation: the key's ETag. */
  revision: number;
  /** The key as revoked, folded from its stream: what the answer shows. */
  view: ApiKeyView;
}

export class RevokeApiKeyCommand extends Command<RevokedApiKey> {
  constructor(
    readonly keyId: string,
    readonly accountId: string,
    /** The key that authenticated the request; null for the operator CLI. */
    readonly actor: Actor | null,
    readonly requestId: string | null,
  ) {
    super();
  }
}
