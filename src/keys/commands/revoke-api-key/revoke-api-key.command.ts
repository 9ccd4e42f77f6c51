import { Command } from '@nestjs/cqrs';

export interface RevokedApiKey {
  keyId: string;
  /** Position of the KeyRevoked event, or of the stream's last event when it was already revoked. */
  position: number;
}

export class RevokeApiKeyCommand extends Command<RevokedApiKey> {
  constructor(
    readonly keyId: string,
    readonly accountId: string,
    readonly actingKeyId: string | null,
    readonly requestId: string | null,
  ) {
    super();
  }
}
