import { DomainError } from '../../shared/domain/domain-error.js';

/** The key does not exist, or belongs to another account: the two are told apart by no one. */
export class KeyNotFound extends DomainError {
  readonly kind = 'not_found';

  constructor(readonly keyId: string) {
    super(`No such API key: ${keyId}`);
  }
}

export class KeyAlreadyExists extends DomainError {
  readonly kind = 'conflict';

  constructor(readonly keyId: string) {
    super(`API key ${keyId} already exists.`);
  }
}

/** The name breaks the name policy (key-name.ts); the message says which rule. */
export class NameInvalid extends DomainError {
  readonly kind = 'rule_violated';
}

export interface RateLimitBounds {
  readonly requests: { readonly min: number; readonly max: number };
  readonly perSeconds: { readonly min: number; readonly max: number };
}

export class RateLimitInvalid extends DomainError {
  readonly kind = 'rule_violated';

  constructor({ requests, perSeconds }: RateLimitBounds) {
    super(`rate_limit must allow ${requests.min}-${requests.max} requests per ${perSeconds.min}-${perSeconds.max} seconds.`);
  }
}
