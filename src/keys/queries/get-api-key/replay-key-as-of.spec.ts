import { jest } from '@jest/globals';
import { InMemoryEventStore } from '../../../infrastructure/in-memory/in-memory-event-store.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { apiKeyStreamId, type KeyCreated } from '../../domain/api-key-events.js';
import { replayKeyAsOf } from './replay-key-as-of.js';

const keyId = '550e8400-e29b-41d4-a716-446655440000';
const created: KeyCreated = {
  type: 'KeyCreated',
  schemaVersion: 2,
  data: {
    keyId,
    accountId: 'acme',
    name: null,
    prefix: 'sk_abcdefghi',
    secretHash: 'a'.repeat(64),
    rateLimit: { requests: 100, perSeconds: 60 },
    createdAt: '2026-01-01T00:00:00.000Z',
    actingKeyId: null,
    permissions: ['*'],
    allowedIps: [],
    expiresAt: null,
    rolledFromKeyId: null,
  },
};

describe('replayKeyAsOf', () => {
  const later = new Date(Date.now() + 60_000);

  it("replays a key of the account with its uses, and reads no use of another account's key", async () => {
    const store = new InMemoryEventStore();
    await store.appendToStream(apiKeyStreamId(keyId), [created], 'no_stream');
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
