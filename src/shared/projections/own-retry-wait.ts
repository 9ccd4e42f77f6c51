/**
 * A failure after which the projection itself waits before its next try, whatever the runner's resubscription delay
 * (the alert webhook's backoff, kept across batches): `nextAttemptInMs` from the failure on.
 */
export interface OwnRetryWait {
  readonly nextAttemptInMs: number;
}

/** The wait a failing projection announced with its error, if any. */
export function ownRetryWaitOf(error: unknown): number | null {
  const wait = (error as Partial<OwnRetryWait> | null)?.nextAttemptInMs;
  return typeof wait === 'number' && Number.isFinite(wait) ? wait : null;
}

/** What the runner's failure line says of the wait: its own delay, and the projection's when that is longer. */
export function describeRetryWait(delayMs: number, error: unknown): string {
  const own = ownRetryWaitOf(error);
  return own !== null && own > delayMs ? `resubscribing in ${delayMs} ms, next attempt in ${own} ms` : `resubscribing in ${delayMs} ms`;
}
