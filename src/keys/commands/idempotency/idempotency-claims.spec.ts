import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { InMemoryEventStore } from '../../../infrastructure/in-memory/in-memory-event-store.js';
import { SqliteEventStore } from '../../../infrastructure/sqlite/sqlite-event-store.js';
import { ConcurrencyConflict } from '../../../shared/application/errors.js';
import { Environment } from '../../../shared/config/environment.js';
import type { EventStore, RecordedEvent } from '../../../shared/event-store/event-store.port.js';
import type { Clock } from '../../../shared/runtime/clock.js';
import { StoreUnavailableError } from '../../../shared/storage/store-unavailable.error.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { IdempotencyKeyReused } from '../../domain/idempotency-errors.js';
import { NO_ACCOUNT_KEY_CAP } from '../account-key-cap.js';
import { KeyIssuer, type NewKey } from '../create-api-key/create-api-key.handler.js';
import { ABANDONED_CLAIM_AFTER_MS } from './idempotency-claims.js';
import { idempotentRequest } from './idempotent-request.js';

const actor = { keyId: 'k_admin', permissions: ['*'], allowedIps: [], endsAt: null, rateLimit: { requests: 1_000_000, perSeconds: 1 } };
const newKey = (name: string): NewKey => ({
  accountId: 'acme',
  name,
  rateLimit: null,
  actor,
  requestId: null,
  permissions: null,
  allowedIps: null,
  expiresAt: null,
  rolledFromKeyId: null,
});
const claimOf = (name: string, value = 'retry-1') => idempotentRequest(value, { accountId: 'acme', actingKeyId: 'k_admin' }, 'create', { name });
const settable = (ms = Date.parse('2026-06-01T00:00:00.000Z')) => ({ now: () => ms, set: (at: number) => void (ms = at) });
const issuerOn = (store: EventStore, clock: Clock = settable()) => new KeyIssuer(store, new Environment(), clock, NO_ACCOUNT_KEY_CAP);

async function keysCreated(store: EventStore): Promise<RecordedEvent[]> {
  return store.readAll({ after: null, maxCount: 1000, types: ['KeyCreated'] });
}

/**
 * The first `count` reads of a claim's stream, over the stores, wait until all of them are reading: the requests race
 * from one state. Later reads (the loser's look at what won) are not held.
 */
function readTogether(stores: EventStore[], count: number): void {
  const waiting: Array<() => void> = [];
  for (const store of stores) {
    const read = store.readStream.bind(store);
    jest.spyOn(store, 'readStream').mockImplementation(async (streamId, page) => {
      const events = await read(streamId, page);
      if (!streamId.startsWith('idempotency_key-') || waiting.length >= count) return events;
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === count) waiting.forEach((go) => go());
      });
      return events;
    });
  }
}

describe('IdempotencyClaims, creating a key', () => {
  afterEach(() => jest.restoreAllMocks());

  describe.each([
    ['in memory', (): { stores: EventStore[]; close(): Promise<void> } => ({ stores: [new InMemoryEventStore()], close: async () => undefined })],
    [
      'SQLite, two connections (two instances on one log)',
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'claims-'));
        const stores = [new SqliteEventStore(join(dir, 'events.sqlite')), new SqliteEventStore(join(dir, 'events.sqlite'))];
        const close = async (): Promise<void> => {
          await Promise.all(stores.map((store) => store.close()));
          rmSync(dir, { recursive: true, force: true });
        };
        return { stores, close };
      },
    ],
  ])('on %s', (_name, open) => {
    it('makes one key of two requests racing with one value: the other is told to retry (409, Retry-After 1), then gets the key', async () => {
      const { stores, close } = open();
      try {
        const [a, b] = [stores[0], stores[stores.length - 1]];
        readTogether([...new Set([a, b])], 2);
        const outcomes = await Promise.allSettled([issuerOn(a).issueOnce(newKey('raced'), claimOf('raced')), issuerOn(b).issueOnce(newKey('raced'), claimOf('raced'))]);
        jest.restoreAllMocks();
        const made = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const refused = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason);
        expect(made).toHaveLength(1);
        expect(refused).toEqual([expect.any(ConcurrencyConflict)]);
        expect(refused[0]).toMatchObject({ retryAfterSeconds: 1, message: expect.stringContaining('still in progress') });
        expect(await keysCreated(a)).toHaveLength(1);
        const repeat = await issuerOn(b).issueOnce(newKey('raced'), claimOf('raced'));
        expect(repeat).toMatchObject({ keyId: (made[0] as PromiseFulfilledResult<{ keyId: string }>).value.keyId, reissued: expect.any(Object) });
        expect(await keysCreated(a)).toHaveLength(1);
      } finally {
        await close();
      }
    });

    // Two bodies sent at once with one value: the loser was told "still in progress; retry shortly" (7 of 8 such
    // races over two instances), and only its retry heard that the value belongs to another request.
    it('refuses at once, as another request, one that loses the claim race to a different request', async () => {
      const { stores, close } = open();
      try {
        const [a, b] = [stores[0], stores[stores.length - 1]];
        readTogether([...new Set([a, b])], 2);
        const outcomes = await Promise.allSettled([issuerOn(a).issueOnce(newKey('one'), claimOf('one')), issuerOn(b).issueOnce(newKey('two'), claimOf('two'))]);
        jest.restoreAllMocks();
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason)).toEqual([
          expect.any(IdempotencyKeyReused),
        ]);
        expect(await keysCreated(a)).toHaveLength(1);
      } finally {
        await close();
      }
    });

    it('refuses the value for another request, whichever instance asks', async () => {
      const { stores, close } = open();
      try {
        await issuerOn(stores[0]).issueOnce(newKey('one'), claimOf('one'));
        await expect(issuerOn(stores[stores.length - 1]).issueOnce(newKey('two'), claimOf('two'))).rejects.toBeInstanceOf(IdempotencyKeyReused);
        expect(await keysCreated(stores[0])).toHaveLength(1);
      } finally {
        await close();
      }
    });
  });

  /** As on EventStoreDB (no multi-stream transaction): the claim is written, then the key's append fails. */
  const failAfterClaim = (store: InMemoryEventStore) =>
    jest.spyOn(store as EventStore, 'appendToStreams').mockImplementationOnce(async ([claim]) => {
      await store.appendToStream(claim.streamId, claim.events, claim.expectedRevision);
      throw new StoreUnavailableError('EventStoreDB', new Error('injected: deadline exceeded'));
    });

  it('releases a claim whose key was not written, so that the retry makes the key as a first request', async () => {
    const store = new InMemoryEventStore();
    failAfterClaim(store);
    await expect(issuerOn(store).issueOnce(newKey('late'), claimOf('late'))).rejects.toBeInstanceOf(StoreUnavailableError);
    const claim = claimOf('late');
    expect((await store.readStream(claim.claimStreamId)).map((event) => [event.type, event.data.reason])).toEqual([
      ['IdempotencyKeyClaimed', undefined],
      ['IdempotencyClaimReleased', 'not_recorded'],
    ]);
    const retried = await issuerOn(store).issueOnce(newKey('late'), claim);
    expect(retried.reissued).toBeUndefined();
    expect((await keysCreated(store)).map((event) => event.data.keyId)).toEqual([retried.keyId]);
  });

  it('answers 409 in progress while a claim has no key yet, and takes it over once abandoned', async () => {
    const store = new InMemoryEventStore();
    const clock = settable();
    jest.spyOn(store as EventStore, 'appendToStreams').mockImplementationOnce(async ([claim]) => {
      await store.appendToStream(claim.streamId, claim.events, claim.expectedRevision);
      // The release fails too: the claim stays, naming a key that is not in the log.
      jest.spyOn(store as EventStore, 'appendToStream').mockRejectedValueOnce(new StoreUnavailableError('EventStoreDB', new Error('still down')));
      throw new StoreUnavailableError('EventStoreDB', new Error('injected: deadline exceeded'));
    });
    await expect(issuerOn(store, clock).issueOnce(newKey('stuck'), claimOf('stuck'))).rejects.toBeInstanceOf(StoreUnavailableError);
    jest.restoreAllMocks();
    await expect(issuerOn(store, clock).issueOnce(newKey('stuck'), claimOf('stuck'))).rejects.toMatchObject({ retryAfterSeconds: 1 });
    clock.set(clock.now() + ABANDONED_CLAIM_AFTER_MS);
    const made = await issuerOn(store, clock).issueOnce(newKey('stuck'), claimOf('stuck'));
    expect(made.reissued).toBeUndefined();
    expect((await store.readStream(claimOf('stuck').claimStreamId)).map((event) => [event.type, event.data.reason])).toEqual([
      ['IdempotencyKeyClaimed', undefined],
      ['IdempotencyClaimReleased', 'abandoned'],
      ['IdempotencyKeyClaimed', undefined],
    ]);
    expect((await store.readStream(apiKeyStreamId(made.keyId))).map((event) => event.type)).toEqual(['KeyCreated']);
  });
});
