import { AdaptiveBatchSize } from './adaptive-batch-size.js';

describe('AdaptiveBatchSize', () => {
  const options = { initial: 64, min: 1, max: 1024, targetMs: 1000 };

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

  it('halves after a slow batch and after a timeout, down to the minimum, then says a timeout is final', () => {
    const batch = new AdaptiveBatchSize(options);
    batch.succeeded(64, 2500);
    expect(batch.current).toBe(32);
    let retries = 0;
    while (batch.timedOut()) retries++;
    expect([retries, batch.current]).toEqual([5, 1]);
  });
});
