import { DomainError } from '../../shared/domain/domain-error.js';
import { counted } from '../../shared/domain/counted.js';

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

/** permissions breaks the syntax (permissions.ts) or its count. */
export class PermissionsInvalid extends DomainError {
  readonly kind = 'rule_violated';
}

/** allowed_ips holds something that is no address or CIDR block, or too many of them. */
export class AllowedIpsInvalid extends DomainError {
  readonly kind = 'rule_violated';
}

/** The expiry is in the past, or beyond the service's maximum key lifetime. */
export class ExpiryInvalid extends DomainError {
  readonly kind = 'rule_violated';
}

/** grace_seconds or close_when_idle_seconds out of bounds. */
export class RollInvalid extends DomainError {
  readonly kind = 'rule_violated';
}

/**
 * The key is past changing: revoked, expired, or (for a roll) already rolled. A rolled key's message names its
 * successor (an id, never a secret): whoever lost the roll's answer learns which key replaced it.
 */
export class KeyNotChangeable extends DomainError {
  readonly kind = 'conflict';

  constructor(
    readonly keyId: string,
    readonly why: 'revoked' | 'expired' | 'rolled',
    readonly successorKeyId: string | null = null,
  ) {
    super(notChangeableMessage(keyId, why, successorKeyId));
  }
}

function notChangeableMessage(keyId: string, why: KeyNotChangeable['why'], successorKeyId: string | null): string {
  const rolledTo = successorKeyId === null ? null : `rolled to API key ${successorKeyId}`;
  if (why === 'rolled') return `API key ${keyId} has already been ${rolledTo ?? 'rolled'}.`;
  return `API key ${keyId} is ${why}${rolledTo === null ? '' : ` (${rolledTo})`}.`;
}

/** No escalation (no-escalation.ts): a key may only give a key its own permissions, addresses, end and rate limit at most. */
export class EscalationRefused extends DomainError {
  readonly kind = 'not_permitted';
}

/** The account already holds as many live keys as it may (account-key-limit.ts): a change that adds one is refused until keys are revoked. */
export class KeyLimitReached extends DomainError {
  readonly kind = 'conflict';

  constructor(
    readonly maxKeys: number,
    change: 'create' | 'roll',
  ) {
    super(
      `This account has reached its limit of ${counted(maxKeys, 'live API key')} (MAX_KEYS_PER_ACCOUNT). Revoke keys it no longer uses to make room: ` +
        'revoked and expired keys do not count, disabled keys do.' +
        (change === 'roll' ? ' A roll with grace_seconds 0 needs no room: the old key ends as its successor starts.' : ''),
    );
  }
}
