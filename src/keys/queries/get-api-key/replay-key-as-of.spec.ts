import { jest } from '@jest/globals';
import { InMemoryEventStore } from '../../../infrastructure/in-memory/in-memory-event-store.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { issueKey } from '../../../../test/support/issued-key.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { replayKeyAsOf } from './replay-key-as-of.js';

describe('replayKeyAsOf', () => {
  const later = new Date(Date.now() + 60_000);

  it("replays a key of the account with its uses, and reads no use of another account's key", async () => {
    const store = new InMemoryEventStore();
    const keyId = await issueKey(store, 'acme');
    const reads = jest.spyOn(store, 'readStream');

    const found = await replayKeyAsOf(store, 'acme', keyId, later);
    expect(found?.view).toMatchObject({ id: keyId, accountId: 'acme' });
    expect(reads.mock.calls.map(([stream]) => stream)).toEqual([apiKeyStreamId(keyId), keyUsageStreamId(keyId)]);

    reads.mockClear();
    expect(await replayKeyAsOf(store, 'globex', keyId, later)).toBeNull();
    // The usage stream may be long: reading it only for another account would time that account's key.
    expect(reads.mock.calls.map(([stream]) => stream)).toEqual([apiKeyStreamId(keyId)]);
  });
});
