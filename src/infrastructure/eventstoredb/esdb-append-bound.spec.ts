import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import { appendWithin } from './esdb-append-bound.js';

describe('appendWithin', () => {
  it('gives the answer that comes in time', async () => {
    await expect(appendWithin(Promise.resolve('written'), 1000)).resolves.toBe('written');
  });

  it('fails with StoreUnavailableError when none comes in time', async () => {
    await expect(appendWithin(new Promise(() => undefined), 50)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('waits for a deadline longer than a timer can hold (defaultDeadline=3000000000) instead of failing at once', async () => {
    let settle: (value: string) => void = () => undefined;
    const append = appendWithin(new Promise<string>((resolve) => (settle = resolve)), 3_000_002_000);
    setTimeout(() => settle('written'), 50);
    await expect(append).resolves.toBe('written');
  });
});
