import { ApiError } from './api-error.js';

/**
 * The Idempotency-Key of each creation or roll whose outcome this tab does not know yet. A request that failed on the
 * way (no answer, a 5xx, or still in progress: 409 with Retry-After) may have made its key; sent again, as the user
 * retries it, with the same value, it makes no second key and is answered with the first one's (with a new secret).
 * A request that changed (another name, another grace) gets its own value, and a known outcome frees the value.
 */
export class RetryTokens {
  private readonly pending = new Map<string, string>();

  /** The value for this exact request: the one it was last sent with, if its outcome is unknown, or a new one. */
  tokenFor(request: string): string {
    let token = this.pending.get(request);
    if (token === undefined) this.pending.set(request, (token = newToken()));
    return token;
  }

  settle(request: string, failure?: unknown): void {
    if (failure === undefined || !outcomeUnknown(failure)) this.pending.delete(request);
  }
}

function outcomeUnknown(failure: unknown): boolean {
  // Not an answer at all: the call was aborted (its view went away) after it may have reached the service.
  if (!(failure instanceof ApiError)) return true;
  return failure.status === null || failure.status >= 500 || (failure.status === 409 && failure.retryAfterSeconds !== null);
}

/** 128 random bits: crypto.getRandomValues, not randomUUID, which a page served over plain http (not localhost) lacks. */
function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dashboard-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
