/**
 * A read model's checkpoint is gone, or is not the one this store started from: the read model was deleted under
 * the service (its database dropped) and possibly begun again by another instance. What the store holds can no
 * longer be trusted to match any checkpoint it would write, so its projection starts over from the checkpoint now
 * stored (none: the start of the log) rather than writing one over views it never wrote.
 */
export class ReadModelLostError extends Error {
  constructor(readModel: string, why: string) {
    super(`The read model of ${readModel} was lost (${why}); rebuilding it from the log`);
    this.name = 'ReadModelLostError';
  }
}
