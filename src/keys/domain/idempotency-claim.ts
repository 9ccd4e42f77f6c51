import type { Decider } from '../../shared/domain/decider.js';
import { IdempotencyKeyReused, IdempotentRepeat } from './idempotency-errors.js';

/**
 * An Idempotency-Key's claim: one stream per account, acting key and value (idempotencyClaimStreamId), whose first
 * claim is appended with the key it makes, in one transaction where the store has them, at the revision the claim
 * was decided on: of two requests with the same value, one appends and the other finds the stream changed.
 */
export const IDEMPOTENCY_CLAIM_EVENT_TYPES = ['IdempotencyKeyClaimed', 'IdempotencyClaimReleased'] as const;

/** How long a value stays claimed after its first request: then it may be used again, for a new request. */
export const IDEMPOTENCY_WINDOW_SECONDS = 86_400;

export const IDEMPOTENT_OPERATIONS = ['create', 'roll'] as const;
export type IdempotentOperation = (typeof IDEMPOTENT_OPERATIONS)[number];

export interface IdempotencyKeyClaimed {
  type: 'IdempotencyKeyClaimed';
  schemaVersion: 1;
  data: {
    accountId: string;
    actingKeyId: string | null;
    operation: IdempotentOperation;
    /** SHA-256 (hex) of the request as normalised (idempotent-request.ts); neither the value nor the body is stored. */
    requestHash: string;
    /** The key the request makes: the new key, or a roll's successor. */
    keyId: string;
    claimedAt: string;
    /** claimedAt + IDEMPOTENCY_WINDOW_SECONDS. */
    expiresAt: string;
  };
}

/**
 * Why a claim was given up: its key was never recorded (the store failed after the claim, EventStoreDB only), or
 * the request that claimed it stopped before recording it (found so by a repeat, long after).
 */
export const CLAIM_RELEASE_REASONS = ['not_recorded', 'abandoned'] as const;
export type ClaimReleaseReason = (typeof CLAIM_RELEASE_REASONS)[number];

export interface IdempotencyClaimReleased {
  type: 'IdempotencyClaimReleased';
  schemaVersion: 1;
  data: { accountId: string; keyId: string; releasedAt: string; reason: ClaimReleaseReason };
}

export type IdempotencyClaimEvent = IdempotencyKeyClaimed | IdempotencyClaimReleased;

/** The claim in force: its request, the key it names and until when it holds; null when there is none (or it was released). */
export interface IdempotencyClaim {
  operation: IdempotentOperation;
  requestHash: string;
  keyId: string;
  claimedAt: string;
  expiresAt: string;
}

export interface IdempotencyClaimState {
  claim: IdempotencyClaim | null;
}

export interface ClaimIdempotencyKey {
  type: 'ClaimIdempotencyKey';
  accountId: string;
  actingKeyId: string | null;
  operation: IdempotentOperation;
  requestHash: string;
  keyId: string;
  now: string;
}

export interface ReleaseIdempotencyClaim {
  type: 'ReleaseIdempotencyClaim';
  accountId: string;
  /** The key the released claim names: a claim since made anew for another key is left alone. */
  keyId: string;
  now: string;
  reason: ClaimReleaseReason;
}

export type IdempotencyClaimCommand = ClaimIdempotencyKey | ReleaseIdempotencyClaim;

export const idempotencyClaimStreamId = (scopeDigest: string): string => `idempotency_key-${scopeDigest}`;

export function isIdempotencyClaimEventType(type: string): type is IdempotencyClaimEvent['type'] {
  return (IDEMPOTENCY_CLAIM_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * Claiming a value that holds no claim in force records one. A claim in force is not made twice: the same
 * request is a repeat (IdempotentRepeat, carrying the claim: the caller answers it with the key it names), another
 * request under the same value is refused (IdempotencyKeyReused).
 */
export const idempotencyClaimDecider: Decider<IdempotencyClaimState, IdempotencyClaimCommand, IdempotencyClaimEvent> = {
  decide,
  evolve,
  initialState: () => ({ claim: null }),
};

/** The claim in force at `now`: one that has neither been released nor outlived its window. */
export function claimInForce(state: IdempotencyClaimState, now: string): IdempotencyClaim | null {
  const { claim } = state;
  return claim !== null && Date.parse(claim.expiresAt) > Date.parse(now) ? claim : null;
}

function evolve(state: IdempotencyClaimState, event: IdempotencyClaimEvent): IdempotencyClaimState {
  switch (event.type) {
    case 'IdempotencyKeyClaimed': {
      const { operation, requestHash, keyId, claimedAt, expiresAt } = event.data;
      return { claim: { operation, requestHash, keyId, claimedAt, expiresAt } };
    }
    case 'IdempotencyClaimReleased':
      return state.claim?.keyId === event.data.keyId ? { claim: null } : state;
  }
}

function decide(state: IdempotencyClaimState, command: IdempotencyClaimCommand): IdempotencyClaimEvent[] {
  if (command.type === 'ReleaseIdempotencyClaim') {
    if (state.claim?.keyId !== command.keyId) return [];
    const { accountId, keyId, now, reason } = command;
    return [{ type: 'IdempotencyClaimReleased', schemaVersion: 1, data: { accountId, keyId, releasedAt: now, reason } }];
  }
  const inForce = claimInForce(state, command.now);
  if (inForce !== null) {
    if (inForce.operation !== command.operation || inForce.requestHash !== command.requestHash) throw new IdempotencyKeyReused();
    throw new IdempotentRepeat(inForce);
  }
  const { accountId, actingKeyId, operation, requestHash, keyId, now } = command;
  const expiresAt = new Date(Date.parse(now) + IDEMPOTENCY_WINDOW_SECONDS * 1000).toISOString();
  return [{ type: 'IdempotencyKeyClaimed', schemaVersion: 1, data: { accountId, actingKeyId, operation, requestHash, keyId, claimedAt: now, expiresAt } }];
}
