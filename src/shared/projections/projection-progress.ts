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
}
