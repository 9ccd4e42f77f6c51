import { ApiError } from '../api/api-error.js';

export const SESSION_ENDED = 'Your key was revoked or is invalid: sign in again with a valid key.';

/** Any failure as a sentence a person can act on. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) {
    const detail = error instanceof Error ? error.message : String(error);
    return `Something went wrong in this page (${detail}). Reload it to try again.`;
  }
  if (error.unreachable) return 'Could not reach the service: check your network connection, then try again.';
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
