import { jest } from '@jest/globals';
import { ServiceUnavailable } from '../../shared/application/errors.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import { CATCH_UP_ON_MISS_TIMEOUT_MS, KeyTableCaughtUpOnMiss } from './key-table-caught-up-on-miss.js';
import type { KnownKey } from './key-table.js';

const known = { keyId: 'k1' } as KnownKey;

/** A key table that knows the key (hash `h1`) only once it has applied the log up to position 40. */
function tableApplying() {
  let applied = 0;
  const keys = { lookup: (hash: string) => (hash === 'h1' && applied >= 40 ? known : undefined) };
  let head = 42;
  const headPosition = jest.fn(async () => head);
  const inForce = jest.fn(async (position: number | null, _timeoutMs?: number) => void (applied = position ?? applied));
  return { keys, store: { headPosition }, progress: { inForce }, setHead: (position: number) => void (head = position) };
}

describe('KeyTableCaughtUpOnMiss', () => {
  it('finds a key created elsewhere that the table had not read yet, once it has applied the log to its head', async () => {
    const { keys, store, progress } = tableApplying();
    expect(keys.lookup('h1')).toBeUndefined();
    expect(await new KeyTableCaughtUpOnMiss(keys, store, progress).lookupAfterCatchingUp('h1')).toBe(known);
    expect(progress.inForce).toHaveBeenCalledWith(42, CATCH_UP_ON_MISS_TIMEOUT_MS);
  });

  it('says unknown once caught up, for a key that is in no event', async () => {
    const { keys, store, progress } = tableApplying();
    expect(await new KeyTableCaughtUpOnMiss(keys, store, progress).lookupAfterCatchingUp('h2')).toBeNull();
  });

  it('shares one head read among concurrent misses, and reads again for the next', async () => {
    const { keys, store, progress, setHead } = tableApplying();
    const lookups = new KeyTableCaughtUpOnMiss(keys, store, progress);
    await Promise.all(Array.from({ length: 50 }, () => lookups.lookupAfterCatchingUp('h2')));
    expect(store.headPosition).toHaveBeenCalledTimes(1);
    setHead(43);
    await lookups.lookupAfterCatchingUp('h2');
    expect(store.headPosition).toHaveBeenCalledTimes(2);
    expect(progress.inForce).toHaveBeenLastCalledWith(43, CATCH_UP_ON_MISS_TIMEOUT_MS);
  });

  it('answers unknown, as before, when the table cannot catch up in time or the log cannot be read', async () => {
    const { keys, store, progress } = tableApplying();
    const lookups = new KeyTableCaughtUpOnMiss(keys, store, progress);
    progress.inForce.mockRejectedValueOnce(new ServiceUnavailable('not yet visible'));
    expect(await lookups.lookupAfterCatchingUp('h1')).toBeNull();
    store.headPosition.mockRejectedValueOnce(new StoreUnavailableError('event store', new Error('down')));
    expect(await lookups.lookupAfterCatchingUp('h1')).toBeNull();
    store.headPosition.mockRejectedValueOnce(new TypeError('a bug'));
    await expect(lookups.lookupAfterCatchingUp('h1')).rejects.toThrow('a bug');
  });
});
