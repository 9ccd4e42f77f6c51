import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../shared/domain/domain-error.js';
import { hashApiKey, isWellFormedApiKey } from '../domain/api-key-secret.js';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../projection/api-key-read-model.port.js';
import type { Principal } from './principal.js';

/** One message for every invalid key, so a caller cannot tell unknown keys from revoked ones. */
export const INVALID_KEY_MESSAGE = 'Invalid API key provided.';

@Injectable()
export class ApiKeyAuthenticator {
  constructor(@Inject(API_KEY_READ_MODEL) private readonly readModel: ApiKeyReadModel) {}

  async authenticate(presented: string): Promise<Principal> {
    // The checksum rejects typos and invented keys without touching any store.
    if (!isWellFormedApiKey(presented)) throw new DomainError('UNAUTHENTICATED', INVALID_KEY_MESSAGE);
    const view = await this.readModel.findBySecretHash(hashApiKey(presented));
    if (!view || view.status !== 'active') throw new DomainError('UNAUTHENTICATED', INVALID_KEY_MESSAGE);
    return { keyId: view.id, accountId: view.accountId };
  }
}
