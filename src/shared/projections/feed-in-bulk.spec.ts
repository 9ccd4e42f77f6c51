import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { feedInBulk } from './feed-in-bulk.js';
import type { Projection } from './projection.js';

const PAGE = 5000;

describe('feedInBulk', () => {
  it('lets the event loop turn between pages: a stop asked by a timer (a message, a signal) ends the feed after the page it came in', async () => {
    const store = new InMemoryEventStore();
    const pages = 3;
    for (let i = 0; i < pages; i++) {
      await store.appendToStreams(
        Array.from({ length: PAGE }, (_, n) => ({
          streamId: `s-${i}-${n}`,
          expectedRevision: 'no_stream' as const,
          events: [{ type: 'Wanted', schemaVersion: 1, data: {} }],
        })),
      );
    }
    let handled = 0;
    const projection: Projection = {
      name: 'counting',
      eventTypes: ['Wanted'],
      checkpoint: async () => null,
      handle: async (events: readonly RecordedEvent[]) => {
        handled += events.length;
      },
      saveCheckpoint: async () => undefined,
      startOverWithin: async () => null,
    };
    let stopped = false;
    // Set on the next turn of the event loop, as the projection thread's `stop` message or a SIGTERM would be.
    setImmediate(() => (stopped = true));
    const fed = await feedInBulk(store, [projection], { after: null, stopped: () => stopped });
    expect(fed).toBeUndefined();
    expect(handled).toBeLessThanOrEqual(PAGE);
  });
});
