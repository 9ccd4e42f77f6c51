import { randomHex } from '../random/random-pool.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const ACCEPTABLE_INCOMING_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Keeps a caller's well-formed request id (for tracing across services), otherwise makes one. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTABLE_INCOMING_ID.test(incoming) ? incoming : `req_${randomHex(16)}`;
}
