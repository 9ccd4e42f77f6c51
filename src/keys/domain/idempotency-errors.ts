import { DomainError } from '../../shared/domain/domain-error.js';

/**
 * The Idempotency-Key is claimed, within its window, by another request (another body, route or key rolled).
 * 409 rather than 400: the request is well-formed and would be accepted under a new value; it conflicts with
 * what the service already recorded, as the other conflicts do.
 */
export class IdempotencyKeyReused extends DomainError {
  readonly kind = 'conflict';

  constructor() {
    super('This Idempotency-Key was used with a different request in the last 24 hours; use a new value for a new request.');
  }
}

/** The same request again under a claim in force: answered with the key the claim names, never refused as such. */
export class IdempotentRepeat extends DomainError {
  readonly kind = 'conflict';

  constructor(readonly claim: { readonly keyId: string; readonly claimedAt: string }) {
    super(`This Idempotency-Key's request already made API key ${claim.keyId}.`);
  }
}

/** A repeat whose key has ended since (revoked, expired, rolled): its secret is not issued again. */
export class RepeatedKeyEnded extends DomainError {
  readonly kind = 'conflict';

  constructor(
    readonly keyId: string,
    why: 'revoked' | 'expired' | 'rolled',
  ) {
    super(`This Idempotency-Key's request made API key ${keyId}, which ${why === 'rolled' ? 'has been rolled' : `is ${why}`}: its secret is not issued again.`);
  }
}
