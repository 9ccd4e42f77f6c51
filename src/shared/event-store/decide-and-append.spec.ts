import { jest } from '@jest/globals';
import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { ConcurrencyConflict } from '../application/errors.js';
import { DomainError } from '../domain/domain-error.js';
import { ConcurrencyError } from './concurrency-error.js';
import { decideAndAppend } from './decide-and-append.js';
import type { EventStore } from './event-store.port.js';

const event = { type: 'Happened', schemaVersion: 1, data: {} };

describe('decideAndAppend', () => {
  it('appends what the decision returns at the revision it read', async () => {
    const store = new InMemoryEventStore();
    await store.appendToStream('s', [event], 'no_stream');
    const appendSpy = jest.spyOn(store, 'appendToStream');
    const outcome = await decideAndAppend(store, 's', (history) => (history.length === 1 ? [event] : []));
    expect(appendSpy).toHaveBeenCalledWith('s', [event], 0);
    expect(outcome.position).toBe(2);
  });

  it('appends nothing and reports no position when the decision is empty', async () => {
    const store = new InMemoryEventStore();
    const outcome = await decideAndAppend(store, 's', () => []);
    expect(outcome).toEqual({ history: [], appended: [], position: null });
  });

  it('retries a lost race from a fresh read', async () => {
    const store = new InMemoryEventStore();
    let raced = false;
    const decisions: number[] = [];
    await decideAndAppend(store, 's', (history) => {
      decisions.push(history.length);
      if (!raced) {
        raced = true;
        void store.appendToStream('s', [event], 'no_stream');
      }
      return [event];
    });
    expect(decisions).toEqual([0, 1]);
    expect(await store.readStream('s')).toHaveLength(2);
  });

  // 10 PATCHes sent at once to one key of one instance: 19 of 50 answered 409 "changed by a concurrent request" (each
  // read the same revision, one append won a round, three rounds). The process's own decisions on a stream wait for each other.
  it('decides one after another the decisions this process makes at once on one stream: none is refused', async () => {
    const store = new InMemoryEventStore();
    await store.appendToStream('s', [event], 'no_stream');
    const read: number[] = [];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        decideAndAppend(store, 's', (history) => {
          read.push(history.length);
          return [event];
        }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(read).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(await store.readStream('s')).toHaveLength(21);
    // A decision that throws does not hold the stream for the next.
    await expect(decideAndAppend(store, 's', () => { throw new Error('refused'); })).rejects.toThrow('refused');
    await expect(decideAndAppend(store, 's', () => [event])).resolves.toMatchObject({ position: 22 });
  });

  it('gives up with ConcurrencyConflict when retrying cannot resolve the race', async () => {
    const store = new InMemoryEventStore();
    const alwaysLosing: EventStore = Object.assign(Object.create(store), {
      readStream: () => store.readStream('s'),
      appendToStream: async () => {
        throw new ConcurrencyError('s', 'no_stream', 0);
      },
    });
    const attempt = decideAndAppend(alwaysLosing, 's', () => [event]);
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyConflict);
    await expect(decideAndAppend(alwaysLosing, 's', () => [event])).rejects.toThrow(
      'The resource was changed by a concurrent request; retry later.',
    );
  });

  // Three instances, ten PATCHes each sent at once to one key: 33 of 600 were answered 409 "changed by a concurrent
  // request" (in 13 of 20 rounds), each having lost three rounds in a row to the other instances' decisions, every one
  // of which landed. A lost round is another writer's progress: the decision tries again, after a short random pause.
  it('wins after losing five rounds in a row to other writers, each of whose appends landed', async () => {
    const store = new InMemoryEventStore();
    let lost = 0;
    const append = store.appendToStream.bind(store);
    const losingFive: EventStore = Object.assign(Object.create(store), {
      readStream: (...args: Parameters<EventStore['readStream']>) => store.readStream(...args),
      appendToStream: async (...args: Parameters<EventStore['appendToStream']>) => {
        if (lost < 5) {
          lost++;
          // Another instance's change lands first, at the revision this decision read.
          await append('s', [event], args[2]);
          return append(...args);
        }
        return append(...args);
      },
    });
    await expect(decideAndAppend(losingFive, 's', () => [event])).resolves.toMatchObject({ position: 6 });
    expect(lost).toBe(5);
  });

  it('gives up with a Retry-After of a second', async () => {
    const store = new InMemoryEventStore();
    const alwaysLosing: EventStore = Object.assign(Object.create(store), {
      readStream: () => store.readStream('s'),
      appendToStream: async () => {
        throw new ConcurrencyError('s', 'no_stream', 0);
      },
    });
    await expect(decideAndAppend(alwaysLosing, 's', () => [event])).rejects.toMatchObject({ retryAfterSeconds: 1 });
  });

  it('lets other errors through untouched', async () => {
    const store = new InMemoryEventStore();
    class Refused extends DomainError {
      readonly kind = 'not_found';
    }
    const refused = new Refused('nope');
    await expect(
      decideAndAppend(store, 's', () => {
        throw refused;
      }),
    ).rejects.toBe(refused);
  });
});
