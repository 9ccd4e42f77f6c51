import { containsSecret } from '../domain/secret-redaction.js';
import { randomHex } from '../random/random-pool.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const ACCEPTABLE_INCOMING_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Keeps a caller's well-formed request id (for tracing across services), otherwise makes one. An id holding
 * a key is replaced, not redacted: it is echoed in X-Request-Id and recorded in events and logs, and a
 * redacted one would no longer be the caller's id nor a valid header value.
 */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTABLE_INCOMING_ID.test(incoming) && !containsSecret(incoming)
    ? incoming
    : `req_${randomHex(16)}`;
}
