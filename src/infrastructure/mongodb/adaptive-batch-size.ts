export interface AdaptiveBatchSizeOptions {
  initial: number;
  min: number;
  max: number;
  /** A batch should take about this long: long enough to amortise a round trip, well inside its timeout. */
  targetMs: number;
  /** The least time a batch is given before it counts as timed out (the connection's socket timeout). */
  timeoutMs: number;
  /** The most time a batch is ever given: past it, at the smallest size, the timeout is reported. */
  maxTimeoutMs: number;
}

/** A batch is given this many times what its size took lately. */
const TIMEOUT_OVER_EXPECTED = 4;
/** Weight of the latest batch in the time per item learnt. */
const LATEST_WEIGHT = 0.3;

/**
 * How many items the next write carries, and how long it may take, learnt from how long the last ones took:
 * the size doubles while a batch takes under half the target and halves when one takes over it or times out;
 * the timeout is a multiple of what a batch of that size took lately, never under the base. A batch that times
 * out at the smallest size gets twice the time, up to the maximum. So a slow server (FerretDB's bulk upserts get
 * slower per document as the batch grows) gets small batches with the time they need, and a fast one large ones.
 */
export class AdaptiveBatchSize {
  private size: number;
  private msPerItem: number | null = null;
  private boost = 1;

  constructor(private readonly options: AdaptiveBatchSizeOptions) {
    this.size = options.initial;
  }

  get current(): number {
    return this.size;
  }

  /** The timeout of the next batch. */
  get timeoutMs(): number {
    const expected = this.msPerItem === null ? 0 : this.msPerItem * this.size * TIMEOUT_OVER_EXPECTED;
    return Math.min(this.options.maxTimeoutMs, Math.ceil(Math.max(this.options.timeoutMs, expected) * this.boost));
  }

  succeeded(items: number, elapsedMs: number): void {
    const perItem = elapsedMs / Math.max(1, items);
    this.msPerItem = this.msPerItem === null ? perItem : (1 - LATEST_WEIGHT) * this.msPerItem + LATEST_WEIGHT * perItem;
    // What a batch took is now known: the timeout follows it, with no extra time left over from a timeout.
    this.boost = 1;
    if (elapsedMs > this.options.targetMs) this.size = Math.max(this.options.min, Math.floor(this.size / 2));
    // Only a full batch that was fast says that a larger one would be.
    else if (items >= this.size && elapsedMs < this.options.targetMs / 2) this.size = Math.min(this.options.max, this.size * 2);
  }

  /** Returns false when the batch is already at its smallest and had the most time: the caller should report the timeout. */
  timedOut(): boolean {
    if (this.size > this.options.min) {
      this.size = Math.max(this.options.min, Math.floor(this.size / 2));
      return true;
    }
    if (this.timeoutMs >= this.options.maxTimeoutMs) return false;
    this.boost *= 2;
    return true;
  }
}
