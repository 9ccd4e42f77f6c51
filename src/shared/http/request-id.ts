import { containsSecret } from '../domain/secret-redaction.js';
import { randomHex } from '../random/random-pool.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const ACCEPTABLE_INCOMING_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Reads a request's X-Request-Id header into the id the request is known by. */
export type RequestIdReader = (incoming: string | string[] | undefined) => string;

/**
 * Keeps a caller's well-formed request id (for tracing across services), otherwise makes one. An id holding
 * a key, or any of `secrets` (the configured ones: VERIFY_TOKEN, METRICS_TOKEN, ALERT_WEBHOOK_SECRET, a store
 * URL's password; in any case), is replaced, not redacted: it is echoed in X-Request-Id and recorded in
 * events and logs, and a redacted one would no longer be the caller's id nor a valid header value.
 */
export function requestIdFrom(incoming: string | string[] | undefined, secrets: readonly string[] = []): string {
  return typeof incoming === 'string' && ACCEPTABLE_INCOMING_ID.test(incoming) && !containsSecret(incoming) && !holdsAny(incoming, secrets)
    ? incoming
    : `req_${randomHex(16)}`;
}

/** requestIdFrom with the configured secrets, read once. */
export function requestIdReader(secrets: readonly string[]): RequestIdReader {
  return (incoming) => requestIdFrom(incoming, secrets);
}

function holdsAny(id: string, secrets: readonly string[]): boolean {
  if (secrets.length === 0) return false;
  const lowered = id.toLowerCase();
  return secrets.some((secret) => lowered.includes(secret.toLowerCase()));
}
