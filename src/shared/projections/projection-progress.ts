/**
 * Lets a writer wait until its event is visible in every read model (read-your-writes).
 * An abstract class so it can serve as the injection token.
 */
export abstract class ProjectionProgress {
  /**
   * Resolves once the read models have seen the log up to `position`: with `types`, only those that
   * consume one of these event types (the others cannot change), otherwise all of them.
   */
  abstract caughtUpTo(position: number | null, types?: readonly string[]): Promise<void>;

  /**
   * Resolves once the projections that authentication answers from have seen the log up to `position`: a
   * revocation there is in force on this instance, even while a read model lags or its store is down. Waits at
   * most `timeoutMs` (default READ_YOUR_WRITES_TIMEOUT_MS), then fails with ServiceUnavailable.
   */
  abstract inForce(position: number | null, timeoutMs?: number): Promise<void>;
}
