import type { RecordedEvent } from '../event-store/event-store.port.js';
import { ViewProjection, type ViewProjectionDefinition, type ViewStore } from './view-projection.js';

interface Counter {
  id: string;
  count: number;
  revision: number;
}

const counting: ViewProjectionDefinition<Counter> = {
  name: 'counters',
  eventTypes: ['Counted'],
  viewIdOf: (event) => event.data.id as string,
  apply: (view, event) => ({ id: event.data.id as string, count: (view?.count ?? 0) + 1, revision: event.revision }),
};

const counted = (id: string, position: number, revision: number) =>
  ({ type: 'Counted', data: { id }, position, revision }) as unknown as RecordedEvent;

/** A store that records which views it was asked to look up and which writes. */
function recordingStore(held: Counter[], withInsertNew: boolean) {
  const writes: string[] = [];
  const lookedUp: string[] = [];
  const views = new Map(held.map((view) => [view.id, view]));
  const store: ViewStore<Counter> = {
    getMany: async (ids) => {
      lookedUp.push(...ids);
      return new Map(ids.filter((id) => views.has(id)).map((id) => [id, views.get(id)!]));
    },
    save: async (saved, checkpoint) => {
      writes.push(`save ${saved.map((v) => `${v.id}=${v.count}`).join(',')} @${checkpoint}`);
      for (const view of saved) views.set(view.id, view);
    },
    getCheckpoint: async () => null,
    reset: async () => views.clear(),
    ...(withInsertNew
      ? {
          insertNew: async (inserted: readonly Counter[]) => {
            writes.push(`insert ${inserted.map((v) => `${v.id}=${v.count}`).join(',')}`);
            for (const view of inserted) views.set(view.id, view);
          },
        }
      : {}),
  };
  return { store, writes, lookedUp };
}

/** Runs `handling` while the store's saves fail, expects it to fail with them, then lets the store save again. */
async function failingToSave(store: ViewStore<Counter>, handling: () => Promise<void>): Promise<void> {
  const save = store.save;
  store.save = async () => {
    throw new Error('store down');
  };
  await expect(handling()).rejects.toThrow('store down');
  store.save = save;
}

describe('ViewProjection in bulk mode (rebuilds)', () => {
  it('inserts the views the store did not hold and saves the others with the checkpoint, when the store can insert', async () => {
    const { store, writes } = recordingStore([{ id: 'a', count: 5, revision: 4 }], true);
    const projection = new ViewProjection(counting, store);
    projection.beginBulk();
    await projection.handle([counted('a', 10, 5), counted('b', 11, 0), counted('b', 12, 1)]);
    await projection.endBulk();
    expect(writes).toEqual(['insert b=2', 'save a=6 @12']);
  });

  it('writes each batch again once restarted after a fill that stopped before its end', async () => {
    const { store, writes } = recordingStore([], true);
    const projection = new ViewProjection(counting, store);
    projection.beginBulk();
    await projection.handle([counted('a', 10, 0)]);
    expect(writes).toEqual([]);
    // Stopped (a pause, a failure) without endBulk; the runner starts again from the stored checkpoint.
    await projection.checkpoint();
    await projection.handle([counted('a', 10, 0)]);
    expect(writes).toEqual(['insert a=1', 'save  @10']);
  });

  it('writes what it holds, with the checkpoint, once the views held reach its heap budget, and holds on from nothing', async () => {
    const { store, writes } = recordingStore([], true);
    // Counters have no viewBytes: 1,024 bytes each, so a budget of 3 views.
    const projection = new ViewProjection(counting, store, undefined, 3 * 1024);
    projection.beginBulk();
    await projection.handle([counted('a', 1, 0), counted('b', 2, 0)]);
    expect(writes).toEqual([]);
    await projection.handle([counted('a', 3, 1), counted('c', 4, 0)]);
    expect(writes).toEqual(['insert a=2,b=1,c=1', 'save  @4']);
    await projection.handle([counted('d', 5, 0), counted('e', 6, 0)]);
    expect(writes).toHaveLength(2);
    await projection.endBulk();
    expect(writes).toEqual(['insert a=2,b=1,c=1', 'save  @4', 'insert d=1,e=1', 'save  @6']);
  });

  it("measures the views it holds by the definition's viewBytes, as a view grows", async () => {
    const { store, writes } = recordingStore([], true);
    const sized: ViewProjectionDefinition<Counter> = { ...counting, viewBytes: (view) => 100 * view.count };
    const projection = new ViewProjection(sized, store, undefined, 500);
    projection.beginBulk();
    await projection.handle([counted('a', 1, 0), counted('a', 2, 1), counted('a', 3, 2), counted('a', 4, 3)]);
    expect(writes).toEqual([]);
    await projection.handle([counted('a', 5, 4)]);
    expect(writes).toEqual(['insert a=5', 'save  @5']);
  });

  it('saves every view when the store cannot insert', async () => {
    const { store, writes } = recordingStore([{ id: 'a', count: 5, revision: 4 }], false);
    const projection = new ViewProjection(counting, store);
    projection.beginBulk();
    await projection.handle([counted('a', 10, 5), counted('b', 11, 0)]);
    await projection.endBulk();
    expect(writes).toEqual(['save a=6,b=1 @11']);
  });
});

describe('ViewProjection with views started by an event (startsView)', () => {
  const starting: ViewProjectionDefinition<Counter> = {
    ...counting,
    eventTypes: ['Started', 'Counted'],
    startsView: (event) => event.type === 'Started',
  };
  const started = (id: string, position: number) => ({ type: 'Started', data: { id }, position, revision: 0 }) as unknown as RecordedEvent;

  for (const bulk of [false, true]) {
    it(`looks up only the views the batch does not start itself${bulk ? ' (bulk)' : ''}`, async () => {
      const { store, writes, lookedUp } = recordingStore([{ id: 'a', count: 5, revision: 4 }], true);
      const projection = new ViewProjection(starting, store);
      if (bulk) projection.beginBulk();
      // c's first event in the batch is not its start: it may be stored, so it is looked up.
      await projection.handle([started('b', 10), counted('a', 11, 5), counted('b', 12, 1), counted('c', 13, 3), started('d', 14)]);
      if (bulk) await projection.endBulk();
      expect(lookedUp.sort()).toEqual(['a', 'c']);
      expect(writes).toEqual(['insert b=2,c=1,d=1', 'save a=6 @14']);
    });
  }
});

describe('ViewProjection following the log', () => {
  it('inserts the views the store did not hold and saves the others with the checkpoint, when the store can insert', async () => {
    const { store, writes } = recordingStore([{ id: 'a', count: 5, revision: 4 }], true);
    const projection = new ViewProjection(counting, store);
    await projection.handle([counted('a', 10, 5), counted('b', 11, 0)]);
    await projection.handle([counted('b', 12, 1)]);
    expect(writes).toEqual(['insert b=1', 'save a=6 @11', 'save b=2 @12']);
  });
});

describe('ViewProjection keeping the views it wrote (keepsRecentViews)', () => {
  const following: ViewProjectionDefinition<Counter> = {
    ...counting,
    apply: (view, event) => (view && event.revision <= view.revision ? view : counting.apply(view, event)),
    keepsRecentViews: true,
  };

  function lookingUp() {
    const recording = recordingStore([{ id: 'a', count: 5, revision: 4 }], true);
    return { ...recording, projection: new ViewProjection(following, recording.store) };
  }

  it('folds the next event of a view it wrote or read without reading it again', async () => {
    const { writes, lookedUp, projection } = lookingUp();
    await projection.handle([counted('a', 10, 5), counted('b', 11, 0)]);
    await projection.handle([counted('a', 12, 6), counted('b', 13, 1)]);
    // Redelivered: folded into the kept view, which has it already.
    await projection.handle([counted('a', 12, 6)]);
    expect(lookedUp).toEqual(['a', 'b']);
    expect(writes).toEqual(['insert b=1', 'save a=6 @11', 'save a=7,b=2 @13', 'save  @12']);
  });

  it('reads a kept view again when the event is not the next of its stream, after a restart, and after a failed write', async () => {
    const { store, writes, lookedUp, projection } = lookingUp();
    await projection.handle([counted('a', 10, 5)]);
    await projection.handle([counted('a', 12, 7)]);
    expect(lookedUp).toEqual(['a', 'a']);

    await projection.checkpoint();
    await projection.handle([counted('a', 13, 8)]);
    expect(lookedUp).toEqual(['a', 'a', 'a']);

    await failingToSave(store, () => projection.handle([counted('a', 14, 9)]));
    await projection.handle([counted('a', 14, 9)]);
    expect(lookedUp).toEqual(['a', 'a', 'a', 'a']);
    // Folded into the view as last written, not as the failed write left it in memory.
    expect(writes.at(-1)).toBe('save a=9 @14');
  });
});

const inPlace: ViewProjectionDefinition<Counter> = {
  ...counting,
  apply: (view, event) => {
    if (!view) return { id: event.data.id as string, count: 1, revision: event.revision };
    if (event.revision <= view.revision) return view;
    view.count += 1;
    view.revision = event.revision;
    return view;
  },
  keepsRecentViews: true,
};

/** Like a real store, it holds and hands out copies: a view changed in place after its write changes nothing stored. */
function copyingStore(held: Counter[]) {
  const recording = recordingStore(held, true);
  const copies = (views: readonly Counter[]) => views.map((view) => ({ ...view }));
  const store: ViewStore<Counter> = {
    ...recording.store,
    getMany: async (ids) => new Map([...(await recording.store.getMany(ids))].map(([id, view]) => [id, { ...view }])),
    save: (views, checkpoint) => recording.store.save(copies(views), checkpoint),
    insertNew: (views) => recording.store.insertNew!(copies(views)),
  };
  return { ...recording, store };
}

describe('ViewProjection with views folded in place', () => {
  it('writes each view a batch changed, and folds into the stored view again after a failed write', async () => {
    const { store, writes, lookedUp } = copyingStore([{ id: 'a', count: 5, revision: 4 }]);
    const projection = new ViewProjection(inPlace, store);
    await projection.handle([counted('a', 10, 5), counted('b', 11, 0)]);
    await projection.handle([counted('a', 12, 6), counted('b', 13, 1)]);
    await failingToSave(store, () => projection.handle([counted('a', 14, 7)]));
    // Redelivered: the kept view already counts it (the failed attempt changed it), so it is read again.
    await projection.handle([counted('a', 14, 7)]);
    expect(lookedUp).toEqual(['a', 'b', 'a']);
    expect(writes).toEqual(['insert b=1', 'save a=6 @11', 'save a=7,b=2 @13', 'save a=8 @14']);
  });
});

describe('ViewProjection telling what it stored (onWritten: what ProjectionContext.publish sends)', () => {
  it('tells each batch’s changed views once they are stored, in bulk too', async () => {
    const { store } = recordingStore([{ id: 'a', count: 5, revision: 4 }], true);
    const told: string[][] = [];
    const projection = new ViewProjection(counting, store, (views) => told.push(views.map((v) => `${v.id}=${v.count}`)));
    await projection.handle([counted('a', 10, 5), counted('b', 11, 0)]);
    projection.beginBulk();
    await projection.handle([counted('b', 13, 1), counted('c', 14, 0)]);
    await projection.endBulk();
    expect(told).toEqual([['a=6', 'b=1'], ['b=2', 'c=1']]);
  });

  it('tells also the views a batch found already stored further on, as another instance projecting into the same store leaves them', async () => {
    const { store } = copyingStore([{ id: 'a', count: 9, revision: 8 }]);
    const told: string[][] = [];
    const projection = new ViewProjection(inPlace, store, (views) => told.push(views.map((v) => `${v.id}=${v.count}@${v.revision}`)));
    await projection.handle([counted('a', 10, 5), counted('b', 11, 0)]);
    expect(told).toEqual([['a=9@8', 'b=1@0']]);
  });

  it('tells nothing of a batch whose write failed', async () => {
    const { store } = recordingStore([], false);
    const told: unknown[] = [];
    const failing: ViewStore<Counter> = { ...store, save: async () => Promise.reject(new Error('store down')) };
    const projection = new ViewProjection(counting, failing, (views) => told.push(views));
    await expect(projection.handle([counted('a', 10, 0)])).rejects.toThrow('store down');
    expect(told).toEqual([]);
  });
});
