import { jest } from '@jest/globals';
import { ServiceUnavailable } from '../../shared/application/errors.js';
import type { ApiKeyQueries } from '../projection/api-key-read-model.port.js';
import type { ApiKeyView } from '../projection/api-key-view.js';
import { KeyQueriesCaughtUpOnMiss } from './key-queries-caught-up-on-miss.js';

const key = { id: 'k1', accountId: 'acme' } as ApiKeyView;

/** A key table that has the key only once it has applied the log up to `createdAt`. */
function tableApplying(createdAt: number | null) {
  let applied = 0;
  const keys: ApiKeyQueries = {
    findById: async (accountId, id) => (createdAt !== null && applied >= createdAt && accountId === key.accountId && id === key.id ? key : null),
    list: async () => ({ views: [], hasMore: false }),
  };
  const headPosition = jest.fn(async () => 42);
  const inForce = jest.fn(async (position: number | null) => void (applied = position ?? applied));
  return { keys, store: { headPosition }, progress: { inForce }, applyUpTo: (position: number) => void (applied = position) };
}

describe('KeyQueriesCaughtUpOnMiss', () => {
  it('answers a key the table has without asking the store', async () => {
    const { keys, store, progress, applyUpTo } = tableApplying(40);
    applyUpTo(40);
    expect(await new KeyQueriesCaughtUpOnMiss(keys, store, progress).findById('acme', 'k1')).toBe(key);
    expect(store.headPosition).not.toHaveBeenCalled();
    expect(progress.inForce).not.toHaveBeenCalled();
  });

  it('finds a key created elsewhere that the table had not read yet, once it has applied the log to its head', async () => {
    const { keys, store, progress } = tableApplying(40);
    expect(await new KeyQueriesCaughtUpOnMiss(keys, store, progress).findById('acme', 'k1')).toBe(key);
    expect(progress.inForce).toHaveBeenCalledWith(42);
  });

  it('says no such key once caught up, for an unknown id and for another account’s key', async () => {
    const { keys, store, progress } = tableApplying(40);
    const queries = new KeyQueriesCaughtUpOnMiss(keys, store, progress);
    expect(await queries.findById('acme', 'k2')).toBeNull();
    expect(await queries.findById('globex', 'k1')).toBeNull();
  });

  it('answers 503, not 404, when the table cannot catch up in time', async () => {
    const { keys, store, progress } = tableApplying(40);
    progress.inForce.mockRejectedValueOnce(new ServiceUnavailable('The change was recorded but is not yet visible; retry the read shortly.'));
    await expect(new KeyQueriesCaughtUpOnMiss(keys, store, progress).findById('acme', 'k1')).rejects.toThrow(
      new ServiceUnavailable('This instance has not yet read the log far enough to tell whether the API key exists; retry shortly.'),
    );
  });
});
