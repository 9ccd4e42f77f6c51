import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { issueKey } from '../../../../test/support/issued-key.js';
import { InMemoryEventStore } from '../../../infrastructure/in-memory/in-memory-event-store.js';
import { Environment } from '../../../shared/config/environment.js';
import type { EventStore, StreamAppend } from '../../../shared/event-store/event-store.port.js';
import { systemClock } from '../../../shared/runtime/clock.js';
import { StoreUnavailableError } from '../../../shared/storage/store-unavailable.error.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { NO_ACCOUNT_KEY_CAP } from '../account-key-cap.js';
import { decideOnKey } from '../decide-on-key.js';
import { ConcurrencyError } from '../../../shared/event-store/concurrency-error.js';
import { RollApiKeyCommand } from './roll-api-key.command.js';
import { RollApiKeyHandler } from './roll-api-key.handler.js';

const config = new Environment();

const rollOf = (keyId: string) => new RollApiKeyCommand({ keyId, accountId: 'acme', actor: null, requestId: null }, 60, null);

/** Every KeyCreated in the log that names `keyId` as the key it was rolled from. */
async function successorsOf(store: InMemoryEventStore, keyId: string): Promise<string[]> {
  const log = await store.readAll({ after: null, maxCount: 1000 });
  return log.filter((event) => event.type === 'KeyCreated' && event.data.rolledFromKeyId === keyId).map((event) => event.data.keyId as string);
}

describe('RollApiKeyHandler', () => {
  it("appends the successor's creation and the old key's KeyRolled together, in one call", async () => {
    const store = new InMemoryEventStore();
    const keyId = await issueKey(store);
    const together = jest.spyOn(store as EventStore, 'appendToStreams');
    const { successor, rolled } = await new RollApiKeyHandler(store, systemClock, config, NO_ACCOUNT_KEY_CAP).execute(rollOf(keyId));
    expect(together.mock.calls.map(([appends, options]) => [appends.map((append: StreamAppend) => append.streamId), options])).toEqual([
      [[apiKeyStreamId(successor.keyId), apiKeyStreamId(keyId)], { together: true }],
    ]);
    expect(rolled.view.rotation?.successorKeyId).toBe(successor.keyId);
    expect(await successorsOf(store, keyId)).toEqual([successor.keyId]);
  });

  it("takes its turn with this process's other changes to the key: neither the roll nor the changes lose a race", async () => {
    const store = new InMemoryEventStore();
    const keyId = await issueKey(store);
    const lost: string[] = [];
    const noteLost = (error: unknown) => {
      if (error instanceof ConcurrencyError) lost.push(error.streamId);
      throw error;
    };
    const appendTogether: EventStore['appendToStreams'] = store.appendToStreams.bind(store);
    jest.spyOn(store as EventStore, 'appendToStreams').mockImplementation(async (appends, options) => appendTogether(appends, options).catch(noteLost));
    const appendOne: EventStore['appendToStream'] = store.appendToStream.bind(store);
    jest.spyOn(store as EventStore, 'appendToStream').mockImplementation(async (streamId, events, expected) => appendOne(streamId, events, expected).catch(noteLost));
    const rename = (n: number) => () => ({
      type: 'UpdateApiKey' as const,
      keyId,
      accountId: 'acme',
      actor: null,
      now: new Date().toISOString(),
      changes: { name: `n${n}` },
      maxLifetimeSeconds: null,
    });
    const changes = [1, 2, 3].map((n) => decideOnKey(store, keyId, rename(n), { requestId: null }));
    const roll = new RollApiKeyHandler(store, systemClock, config, NO_ACCOUNT_KEY_CAP).execute(rollOf(keyId));
    const more = [4, 5, 6].map((n) => decideOnKey(store, keyId, rename(n), { requestId: null }));
    const outcomes = await Promise.allSettled([...changes, roll, ...more]);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(lost).toEqual([]);
    expect(await successorsOf(store, keyId)).toHaveLength(1);
  });

  it('dates the successor’s creation at the roll’s own instant, however the clock moves meanwhile', async () => {
    const store = new InMemoryEventStore();
    const keyId = await issueKey(store);
    let ms = Date.parse('2030-01-01T00:00:00.000Z');
    const ticking = { now: () => (ms += 7) };
    const { successor, rolled } = await new RollApiKeyHandler(store, ticking, config, NO_ACCOUNT_KEY_CAP).execute(rollOf(keyId));
    expect(successor.createdAt).toBe(rolled.view.rotation?.rolledAt);
    const [created] = await store.readStream(apiKeyStreamId(successor.keyId));
    expect(created.data.createdAt).toBe(rolled.view.rotation?.rolledAt);
  });

  // Until 2026-12-07 a roll, like decideAndAppend, gave up after three lost rounds (ten PATCHes sent at once to each of three
  // instances: 33 of 600 refused with 409): a lost round is another instance's change landing, so the roll tries again.
  it('rolls after losing five rounds in a row to other instances’ changes to the key, with one successor', async () => {
    const store = new InMemoryEventStore();
    const keyId = await issueKey(store);
    let lost = 0;
    const appendTogether: EventStore['appendToStreams'] = store.appendToStreams.bind(store);
    jest.spyOn(store as EventStore, 'appendToStreams').mockImplementation(async (appends, options) => {
      if (lost < 5) {
        lost++;
        throw new ConcurrencyError(apiKeyStreamId(keyId), 0, 1);
      }
      return appendTogether(appends, options);
    });
    const { successor } = await new RollApiKeyHandler(store, systemClock, config, NO_ACCOUNT_KEY_CAP).execute(rollOf(keyId));
    expect(lost).toBe(5);
    expect(await successorsOf(store, keyId)).toEqual([successor.keyId]);
  });

  it('leaves no successor behind when the old key is revoked between the roll’s read and its append', async () => {
    const store = new InMemoryEventStore();
    const keyId = await issueKey(store);
    const append: EventStore['appendToStreams'] = store.appendToStreams.bind(store);
    jest.spyOn(store as EventStore, 'appendToStreams').mockImplementationOnce(async (appends, options) => {
      const revoke = () => ({ type: 'RevokeApiKey' as const, keyId, accountId: 'acme', actor: null, now: new Date().toISOString() });
      // Another process on the same log (this one's changes to the key wait for the roll's turn to end).
      const anotherProcess: EventStore = Object.create(store);
      await decideOnKey(anotherProcess, keyId, revoke, { requestId: null });
      return append(appends, options);
    });
    await expect(new RollApiKeyHandler(store, systemClock, config, NO_ACCOUNT_KEY_CAP).execute(rollOf(keyId))).rejects.toThrow(/revoked/i);
    expect(await successorsOf(store, keyId)).toEqual([]);
  });

  /** The store as EventStoreDB behaves (no multi-stream transaction): the successor is written, then the old key's append fails. */
  const failSecondAppend = (store: InMemoryEventStore) =>
    jest.spyOn(store as EventStore, 'appendToStreams').mockImplementationOnce(async ([first]) => {
      await store.appendToStream(first.streamId, first.events, first.expectedRevision);
      throw new StoreUnavailableError('EventStoreDB', new Error('injected: deadline exceeded'));
    });

  it('revokes the successor, with the reason, when the old key’s append fails for any reason, and answers that failure', async () => {
    const store = new InMemoryEventStore();
    const keyId = await issueKey(store);
    failSecondAppend(store);
    await expect(new RollApiKeyHandler(store, systemClock, config, NO_ACCOUNT_KEY_CAP).execute(rollOf(keyId))).rejects.toBeInstanceOf(StoreUnavailableError);
    const [successor] = await successorsOf(store, keyId);
    const stream = await store.readStream(apiKeyStreamId(successor));
    expect(stream.map((event) => event.type)).toEqual(['KeyCreated', 'KeyRevoked']);
    expect(stream[1].metadata).toMatchObject({ reason: 'roll_not_recorded' });
    expect((await store.readStream(apiKeyStreamId(keyId))).map((event) => event.type)).toEqual(['KeyCreated']);
  });

  it('names the successor in an error line when its revocation fails too, and still answers the roll’s own failure', async () => {
    const store = new InMemoryEventStore();
    const keyId = await issueKey(store);
    failSecondAppend(store);
    const read = store.readStream.bind(store);
    jest.spyOn(store as EventStore, 'readStream').mockImplementation(async (streamId, page) => {
      if (streamId !== apiKeyStreamId(keyId)) throw new StoreUnavailableError('EventStoreDB', new Error('still down'));
      return read(streamId, page);
    });
    const errors: unknown[] = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((line: unknown) => void errors.push(line));
    await expect(new RollApiKeyHandler(store, systemClock, config, NO_ACCOUNT_KEY_CAP).execute(rollOf(keyId))).rejects.toThrow(/deadline exceeded/);
    jest.restoreAllMocks();
    const [successor] = await successorsOf(store, keyId);
    expect(errors).toEqual([expect.objectContaining({ msg: 'roll left a successor active', keyId, successorKeyId: successor, error: expect.stringMatching(/still down/) })]);
  });
});
