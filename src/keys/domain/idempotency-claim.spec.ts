import { DeciderSpecification } from '../../shared/domain/testing/decider-specification.js';
import {
  type ClaimIdempotencyKey,
  claimInForce,
  type IdempotencyClaimReleased,
  idempotencyClaimDecider,
  type IdempotencyKeyClaimed,
  type ReleaseIdempotencyClaim,
} from './idempotency-claim.js';
import { IdempotencyKeyReused, IdempotentRepeat } from './idempotency-errors.js';

const T0 = '2026-01-01T00:00:00.000Z';
const keyId = '550e8400-e29b-41d4-a716-446655440000';
const otherKeyId = '550e8400-e29b-41d4-a716-446655440001';
const claim: ClaimIdempotencyKey = {
  type: 'ClaimIdempotencyKey',
  accountId: 'acme',
  actingKeyId: 'k_admin',
  operation: 'create',
  requestHash: 'r'.repeat(64),
  keyId,
  now: T0,
};
const claimed: IdempotencyKeyClaimed = {
  type: 'IdempotencyKeyClaimed',
  schemaVersion: 1,
  data: { accountId: 'acme', actingKeyId: 'k_admin', operation: 'create', requestHash: 'r'.repeat(64), keyId, claimedAt: T0, expiresAt: '2026-01-02T00:00:00.000Z' },
};
const release = (reason: ReleaseIdempotencyClaim['reason'], of = keyId): ReleaseIdempotencyClaim => ({ type: 'ReleaseIdempotencyClaim', accountId: 'acme', keyId: of, now: T0, reason });
const released = (reason: IdempotencyClaimReleased['data']['reason']): IdempotencyClaimReleased => ({
  type: 'IdempotencyClaimReleased',
  schemaVersion: 1,
  data: { accountId: 'acme', keyId, releasedAt: T0, reason },
});
const at = (iso: string) => ({ ...claim, keyId: otherKeyId, now: iso });

const { given } = DeciderSpecification.for(idempotencyClaimDecider);

describe('Idempotency-Key claim decider', () => {
  it('claims an unclaimed value for 24 hours, naming the key the request makes', () => {
    given([]).when(claim).then([claimed]);
  });

  it('answers the same request under a claim in force as a repeat, with the key the claim names', () => {
    given([claimed])
      .when(at('2026-01-01T23:59:59.999Z'))
      .thenThrows(IdempotentRepeat, (error) => error.claim.keyId === keyId && error.claim.claimedAt === T0);
  });

  it('refuses another request (another body, or another operation) under a claim in force', () => {
    given([claimed]).when({ ...claim, requestHash: 'x'.repeat(64) }).thenThrows(IdempotencyKeyReused, (error) => /different request/.test(error.message));
    given([claimed]).when({ ...claim, operation: 'roll' }).thenThrows(IdempotencyKeyReused);
  });

  it('claims the value anew, for any request, once 24 hours have passed since the claim', () => {
    const later = '2026-01-02T00:00:00.000Z';
    given([claimed])
      .when({ ...at(later), requestHash: 'x'.repeat(64) })
      .then([{ ...claimed, data: { ...claimed.data, keyId: otherKeyId, requestHash: 'x'.repeat(64), claimedAt: later, expiresAt: '2026-01-03T00:00:00.000Z' } }]);
  });

  it('releases the claim of a key never recorded, and claims the value anew after', () => {
    given([claimed]).when(release('not_recorded')).then([released('not_recorded')]);
    given([claimed, released('abandoned')]).when(claim).then([claimed]);
  });

  it('leaves a claim made since for another key as it is, and releases nothing twice', () => {
    given([claimed]).when(release('abandoned', otherKeyId)).thenNothing();
    given([claimed, released('not_recorded')]).when(release('not_recorded')).thenNothing();
  });

  it('tells the claim in force at an instant', () => {
    const state = idempotencyClaimDecider.evolve(idempotencyClaimDecider.initialState(), claimed);
    expect(claimInForce(state, T0)).toMatchObject({ keyId });
    expect(claimInForce(state, '2026-01-02T00:00:00.000Z')).toBeNull();
    expect(claimInForce(idempotencyClaimDecider.evolve(state, released('abandoned')), T0)).toBeNull();
  });
});
