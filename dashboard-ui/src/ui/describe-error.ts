import { ApiError } from '../api/api-error.js';

/** The API answers one 401 for every key it does not accept, so this names every reason and singles out none. */
export const SESSION_ENDED = 'Your key is no longer accepted (revoked, disabled or expired): sign in again with a valid key.';

/** The 403s that refuse the signed-in key everything the dashboard reads (docs/api.md, Key policies). */
const LOST_ACCESS = new Set(['This key lacks the permission keys:read.', 'This key may not be used from this address.']);

/** Whether the signed-in key can no longer read anything here: every screen will be refused until another key is used. */
export function lostAccess(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403 && LOST_ACCESS.has(error.message);
}

/**
 * Whether the same read may succeed if made again: the network, a rate limit, the service failing or unavailable. Not a
 * refusal (401, 403, 404, 400), which a retry meets again.
 */
export function mayRetry(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return error.unreachable || error.status === 429 || (error.status !== null && error.status >= 500);
}

/** Any failure as a sentence a person can act on; with a key shown once on the page, never advice that removes it. */
export function describeError(error: unknown, secretOnPage = false): string {
  if (!(error instanceof ApiError)) {
    const detail = error instanceof Error ? error.message : String(error);
    const next = secretOnPage ? 'Copy the new key shown first: reloading the page removes it for good.' : 'Reload it to try again.';
    return `Something went wrong in this page (${detail}). ${next}`;
  }
  if (error.unreachable) return 'Could not reach the service: check your network connection, then try again.';
  if (lostAccess(error)) return `${error.message} The key this tab is signed in with cannot be used here any more: sign out and sign in with another key.`;
  switch (error.status) {
    case 401:
      return SESSION_ENDED;
    case 429:
      return `${error.message} Try again ${error.retryAfterSeconds === null ? 'shortly' : `in ${duration(error.retryAfterSeconds)}`}.`;
    case 503:
      return `The service is temporarily unavailable: ${error.message} Try again in a moment.`;
    default:
      return error.status !== null && error.status >= 500 ? `The service failed (HTTP ${error.status}): ${error.message}` : error.message;
  }
}

function duration(seconds: number): string {
  if (seconds < 90) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
