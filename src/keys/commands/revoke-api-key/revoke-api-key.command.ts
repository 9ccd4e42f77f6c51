import { Command } from '@nestjs/cqrs';
import type { ApiKeyView } from '../../projection/api-key-view.js';
import type { KeyChangeRequest } from '../key-change.js';

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
  constructor(readonly request: KeyChangeRequest) {
    super();
  }
}
