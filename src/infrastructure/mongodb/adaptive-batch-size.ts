export interface AdaptiveBatchSizeOptions {
  initial: number;
  min: number;
  max: number;
  /** A batch should take about this long: long enough to amortise a round trip, well inside the socket timeout. */
  targetMs: number;
}

/**
 * How many items the next write carries, learnt from how long the last ones took: doubled while a batch takes
 * under half the target, halved when one takes over it or times out. So a slow server (FerretDB's bulk upserts
 * get slower per document as the batch grows) gets small batches that finish, and a fast one gets large ones.
 */
export class AdaptiveBatchSize {
  private size: number;

  constructor(private readonly options: AdaptiveBatchSizeOptions) {
    this.size = options.initial;
  }

  get current(): number {
    return this.size;
  }

  succeeded(items: number, elapsedMs: number): void {
    if (elapsedMs > this.options.targetMs) this.size = Math.max(this.options.min, Math.floor(this.size / 2));
    // Only a full batch that was fast says that a larger one would be.
    else if (items >= this.size && elapsedMs < this.options.targetMs / 2) this.size = Math.min(this.options.max, this.size * 2);
  }

  /** Returns false when the batch is already at its smallest: the caller should give up and report the timeout. */
  timedOut(): boolean {
    if (this.size <= this.options.min) return false;
    this.size = Math.max(this.options.min, Math.floor(this.size / 2));
    return true;
  }
}
