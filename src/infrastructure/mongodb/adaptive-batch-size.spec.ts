import { AdaptiveBatchSize } from './adaptive-batch-size.js';

describe('AdaptiveBatchSize', () => {
  const options = { initial: 64, min: 1, max: 1024, targetMs: 1000, timeoutMs: 5000, maxTimeoutMs: 60_000 };

  it('doubles after a fast full batch, up to the maximum', () => {
    const batch = new AdaptiveBatchSize(options);
    for (let i = 0; i < 10; i++) batch.succeeded(batch.current, 100);
    expect(batch.current).toBe(1024);
  });

  it('does not grow on a partial batch (the last of a save), nor on one between half the target and the target', () => {
    const batch = new AdaptiveBatchSize(options);
    batch.succeeded(10, 100);
    batch.succeeded(64, 700);
    expect(batch.current).toBe(64);
  });

  it('halves after a slow batch and after a timeout, down to the minimum', () => {
    const batch = new AdaptiveBatchSize(options);
    batch.succeeded(64, 2500);
    expect(batch.current).toBe(32);
    for (let i = 0; i < 5; i++) expect(batch.timedOut()).toBe(true);
    expect(batch.current).toBe(1);
  });

  it('gives a batch the base timeout until it has measured one, then four times what its size took lately', () => {
    const batch = new AdaptiveBatchSize(options);
    expect(batch.timeoutMs).toBe(5000);
    // 64 items in 3,200 ms: 50 ms each; halved to 32 items, which get 4 × 32 × 50 ms.
    batch.succeeded(64, 3200);
    expect(batch.current).toBe(32);
    expect(batch.timeoutMs).toBe(6400);
  });

  it('doubles the time of a batch that times out at the smallest size, up to the maximum, then says the timeout is final', () => {
    const batch = new AdaptiveBatchSize({ ...options, initial: 1 });
    const timeouts = [];
    while (batch.timedOut()) timeouts.push(batch.timeoutMs);
    expect(timeouts).toEqual([10_000, 20_000, 40_000, 60_000]);
    // A success at last sets the timeout from what it took.
    batch.succeeded(1, 30_000);
    expect(batch.timeoutMs).toBe(60_000);
    // and comes down as fast batches follow.
    for (let i = 0; i < 10; i++) batch.succeeded(1, 100);
    expect(batch.timeoutMs).toBeLessThan(20_000);
  });
});
