import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { InMemoryReadModelPlace } from '../../infrastructure/in-memory/in-memory-read-model-generations.js';
import { InMemoryReadModelStorage } from '../../infrastructure/in-memory/in-memory-read-model-storage.js';
import { apiKeyProjection } from '../../keys/projection/api-key-projection.js';
import type { Projection } from '../../shared/projections/projection.js';
import { ViewProjection } from '../../shared/projections/view-projection.js';
import { dropGenerationsBut, rebuildProjections } from './rebuild-projections.js';

const at = '2026-12-01T00:00:00.000Z';

async function seed(store: InMemoryEventStore, keys: number): Promise<void> {
  for (let n = 0; n < keys; n++) {
    const keyId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    await store.appendToStream(`api_key-${keyId}`, [
      {
        type: 'KeyCreated',
        schemaVersion: 1,
        data: { keyId, accountId: 'acct_1', name: `key ${n}`, prefix: `sk_${n}`, secretHash: `hash${n}`, rateLimit: { requests: 10, perSeconds: 60 }, createdAt: at, actingKeyId: null },
      },
    ], 'no_stream');
  }
}

/** The api-keys view on a storage, failing once it has handled `failAfter` batches when told to. */
function apiKeyViews(storage: InMemoryReadModelStorage, failAfter = Infinity): Promise<Projection[]> {
  return storage.apiKeyReadModel().then((readModel) => {
    const projection = new ViewProjection(apiKeyProjection, readModel);
    let handled = 0;
    const handle = projection.handle.bind(projection);
    projection.handle = async (events) => {
      if (handled++ >= failAfter) throw new Error('killed');
      return handle(events);
    };
    return [projection];
  });
}

async function keysIn(place: InMemoryReadModelPlace, generation: number): Promise<number> {
  return (await new InMemoryReadModelStorage(place, generation).apiKeyReadModel()).list('acct_1', { limit: 100_000 }).then((page) => page.views.length);
}

describe('Rebuilding the read models into a new generation (blue/green)', () => {
  let store: InMemoryEventStore;
  let place: InMemoryReadModelPlace;
  const rebuild = (failAfter?: number) =>
    rebuildProjections({
      store,
      generations: place,
      openAt: async (generation) => new InMemoryReadModelStorage(place, generation),
      projectionsOn: (storage) => apiKeyViews(storage, failAfter),
      saveEveryMs: 0,
    });

  beforeEach(async () => {
    store = new InMemoryEventStore();
    place = new InMemoryReadModelPlace();
    // A service serving the first generation.
    new InMemoryReadModelStorage(place);
    await seed(store, 12_000);
  });

  it('fills the next generation beside the live one, then makes it live', async () => {
    const result = await rebuild();
    expect(result).toMatchObject({ generation: 1, previous: 0, resumedAfter: null, projections: ['api-keys'], events: 12_000 });
    expect(await place.read()).toEqual({ live: 1, building: null });
    expect(await keysIn(place, 1)).toBe(12_000);
    // The generation that was live was never written: it serves what it served until instances restart.
    expect(await keysIn(place, 0)).toBe(0);
  });

  it('leaves the live generation as it was when a rebuild fails, and resumes the failed one from its last save', async () => {
    await rebuild();
    // Pages are 5,000 events, saved after each: the third page fails, after two saves.
    await expect(rebuild(2)).rejects.toThrow('killed');
    expect(await place.read()).toEqual({ live: 1, building: 2 });
    expect(await keysIn(place, 1)).toBe(12_000);

    const resumed = await rebuild();
    expect(resumed.generation).toBe(2);
    expect(resumed.resumedAfter).toBe(10_000);
    expect(resumed.events).toBe(2000);
    expect(await place.read()).toEqual({ live: 2, building: null });
    expect(await keysIn(place, 2)).toBe(12_000);
  });

  it('keeps every generation, so that instances started before keep theirs, until told which to delete', async () => {
    await rebuild();
    await rebuild();
    expect(await place.stored()).toEqual([0, 1, 2]);
    expect(await dropGenerationsBut(place, [2])).toEqual([0, 1]);
    expect(await place.stored()).toEqual([2]);
    expect(await keysIn(place, 2)).toBe(12_000);
  });

  it('tells the second of two replays run at once that another replay ran, not just that its generation is not being built', async () => {
    const [first, second] = await Promise.allSettled([rebuild(), rebuild()]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { generation: 1 } });
    expect(second).toMatchObject({
      status: 'rejected',
      reason: new Error(
        'Read-model generation 1 is not the one being built: another replay, run at the same time, finished it and made it live first. Run one replay at a time.',
      ),
    });
    expect(await place.read()).toEqual({ live: 1, building: null });
    expect(await keysIn(place, 1)).toBe(12_000);
  });

  it('reads only the projections’ event types: a log shared with other applications holds events it cannot read', async () => {
    await store.appendToStream('orders-1', [{ type: 'OrderPlaced', schemaVersion: 1, data: { foreign: true } }], 'any');
    const read = store.readAll.bind(store);
    // As the EventStoreDB adapter does: an unfiltered read decodes every event, and another application's fails.
    store.readAll = async (options) => {
      const page = await read(options);
      const foreign = page.find((event) => event.type === 'OrderPlaced');
      if (foreign) throw new Error(`Cannot read event ${foreign.id} in stream orders-1: its metadata has no schemaVersion`);
      return page;
    };
    expect(await rebuild()).toMatchObject({ generation: 1, events: 12_000 });
    expect(await keysIn(place, 1)).toBe(12_000);
  });
});
