import { jest } from '@jest/globals';
import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { waitUntilCaughtUp } from './wait-until-caught-up.js';

const timing = { waitMs: 2000, pollMs: 5 };

describe('waitUntilCaughtUp (the CLI reading views a running service keeps)', () => {
  let store: InMemoryEventStore;
  let positions: number[];

  beforeEach(async () => {
    store = new InMemoryEventStore();
    const appended = await store.appendToStreams([
      { streamId: 'k-1', events: [{ type: 'KeyCreated', schemaVersion: 1, data: {} }], expectedRevision: 'any' },
      { streamId: 'u-1', events: [{ type: 'KeyUsed', schemaVersion: 1, data: {} }], expectedRevision: 'any' },
    ]);
    positions = appended.map((result) => result.position);
  });

  it('returns once the checkpoint passes the last event of its types, waiting while it lies behind', async () => {
    let checkpoint: number | null = null;
    const projection = { name: 'api-keys', eventTypes: ['KeyCreated'], checkpoint: async () => checkpoint };
    setTimeout(() => (checkpoint = positions[0]), 50);
    const started = Date.now();
    // Caught up at the KeyCreated: the KeyUsed after it is not of its types.
    expect(await waitUntilCaughtUp(store, [projection], timing)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  it('waits for what the log held when called, not for what is appended while it waits', async () => {
    let checkpoint: number | null = null;
    const projection = { name: 'api-keys', eventTypes: ['KeyCreated'], checkpoint: async () => checkpoint };
    setTimeout(() => {
      void store.appendToStreams([{ streamId: 'k-2', events: [{ type: 'KeyCreated', schemaVersion: 1, data: {} }], expectedRevision: 'any' }]);
      checkpoint = positions[0];
    }, 20);
    expect(await waitUntilCaughtUp(store, [projection], { waitMs: 500, pollMs: 5 })).toEqual([]);
  });

  it('ends the wait on time when the wall clock steps back an hour meanwhile', async () => {
    const stuck = { name: 'key-usage', eventTypes: ['KeyUsed'], checkpoint: async () => null };
    const wall = Date.now();
    // NTP steps the wall clock back an hour after the wait has begun, and it reads so from then on.
    const stepped = jest.spyOn(Date, 'now').mockReturnValueOnce(wall).mockReturnValue(wall - 3_600_000);
    try {
      const waited = waitUntilCaughtUp(store, [stuck], { waitMs: 100, pollMs: 5 });
      // A bound far past the 100 ms asked, so a loaded machine does not trip it: the fault waited the hour.
      const bound = new Promise((resolve) => setTimeout(() => resolve('still waiting after 10 s'), 10_000).unref());
      expect(await Promise.race([waited, bound])).toEqual(['key-usage']);
    } finally {
      stepped.mockRestore();
    }
  });

  it('names those still behind when the wait is over', async () => {
    const stuck = { name: 'key-usage', eventTypes: ['KeyUsed'], checkpoint: async () => null };
    const done = { name: 'api-keys', eventTypes: ['KeyCreated'], checkpoint: async () => positions[1] };
    expect(await waitUntilCaughtUp(store, [stuck, done], { waitMs: 30, pollMs: 5 })).toEqual(['key-usage']);
  });
});
