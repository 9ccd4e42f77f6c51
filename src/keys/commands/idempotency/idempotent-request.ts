import { hash } from 'node:crypto';
import { idempotencyClaimStreamId, type IdempotentOperation } from '../../domain/idempotency-claim.js';

/** A request made with an Idempotency-Key, as the claim knows it: hashes only, never the value or the body. */
export interface IdempotentRequest {
  /** The claim's stream: a SHA-256 of the account, the acting key and the value together. */
  claimStreamId: string;
  accountId: string;
  /** Null: the operator CLI. */
  actingKeyId: string | null;
  operation: IdempotentOperation;
  /** SHA-256 (hex) of the operation and the request as normalised: the same request hashes the same whatever its spelling. */
  requestHash: string;
}

/**
 * The value is the client's: it may hold anything, a key included, so it is kept only inside a SHA-256 taken with
 * the account and the acting key (domain-separated, so no stored digest is ever the SHA-256 of the value alone, as a
 * key's secretHash is of the key). `request` is what the route was asked, parsed: the body's fields and, for a roll,
 * the key rolled.
 */
export function idempotentRequest(
  value: string,
  scope: { accountId: string; actingKeyId: string | null },
  operation: IdempotentOperation,
  request: Record<string, unknown>,
): IdempotentRequest {
  const scopeDigest = sha256(canonicalJson(['idempotency-key', scope.accountId, scope.actingKeyId, value]));
  return {
    claimStreamId: idempotencyClaimStreamId(scopeDigest),
    accountId: scope.accountId,
    actingKeyId: scope.actingKeyId,
    operation,
    requestHash: sha256(canonicalJson({ operation, request })),
  };
}

const sha256 = (text: string) => hash('sha256', text, 'hex');

/** JSON with every object's properties in one order and the undefined ones left out: `{"a":1,"b":2}` whatever order they came in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(value));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, item]) => [name, sorted(item)]));
}
