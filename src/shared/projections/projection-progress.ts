/**
 * Lets a writer wait until its event is visible in every read model (read-your-writes).
 * An abstract class so it can serve as the injection token.
 */
export abstract class ProjectionProgress {
  abstract caughtUpTo(position: number | null): Promise<void>;
}
