import type { Db, MongoClient } from 'mongodb';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store.js';
import { ProjectionRunner } from '../../shared/projections/projection-runner.js';
import { ViewProjection } from '../../shared/projections/view-projection.js';
import { MongoViewStore, type ViewMapping } from './mongo-view-store.js';

interface View {
  id: string;
  revision: number;
}

const mapping: ViewMapping<View, { revision: number }> = {
  collection: 'key_usage',
  projection: 'slow-views',
  toDocument: (view) => ({ _id: view.id, revision: view.revision }),
  fromDocument: (doc) => ({ id: doc._id, revision: doc.revision }),
};

/**
 * A FerretDB 1.24 as slow as it is with many keys: every view is stored already (a restarted service), each write
 * of one takes `writeMs`. The checkpoint stands at 0.
 */
function slowDatabase(writeMs: { value: number }) {
  const written: string[] = [];
  const checkpointSaves: number[] = [];
  const views = {
    collectionName: 'key_usage',
    findOne: async ({ _id }: { _id: string }) => ({ _id, revision: 0 }),
    findOneAndUpdate: async ({ _id }: { _id: string }) => {
      await new Promise((resolve) => setTimeout(resolve, writeMs.value));
      written.push(_id);
      return { _id, revision: 0 };
    },
  };
  const checkpoints = {
    collectionName: 'checkpoints',
    findOne: async () => ({ _id: mapping.projection, views: 'views-uuid', position: 0 }),
    updateOne: async (_filter: unknown, update: { $max: { position: number } }) => {
      checkpointSaves.push(update.$max.position);
      return { matchedCount: 1 };
    },
  };
  const db = {
    collection: (name: string) => (name === 'checkpoints' ? checkpoints : views),
    listCollections: ({ name }: { name: string }) => ({ toArray: async () => [{ name, info: { uuid: 'views-uuid' } }] }),
  } as unknown as Db;
  const client = { options: { socketTimeoutMS: 5000 }, close: async () => undefined } as unknown as MongoClient;
  return { store: new MongoViewStore<View, { revision: number }>(client, db, mapping, 0), written, checkpointSaves };
}

async function logOfUses(count: number): Promise<InMemoryEventStore> {
  const log = new InMemoryEventStore();
  for (let i = 0; i < count; i++) await log.appendToStream(`key-${i}`, [{ type: 'Used', schemaVersion: 1, data: {} }], 'any');
  return log;
}

const definition = {
  name: mapping.projection,
  eventTypes: ['Used'],
  viewIdOf: (event: { streamId: string }) => event.streamId,
  apply: (_view: View | undefined, event: { streamId: string; revision: number }) => ({ id: event.streamId, revision: event.revision + 1 }),
};

// A SIGTERM of a restarted 100,000-key FerretDB service logged "The projection thread had not stopped 2 s into its
// stop": the batch in flight (100 uses of different keys, one write of 15 ms or more each, 4 at a time) was written to
// its end before the projection stopped. It is given up between two writes now, and read again at the next start.
describe('a view projection on MongoDB stopped while it writes a batch', () => {
  it('stops within a write or two, logs nothing, leaves the checkpoint, and writes the batch at the next start', async () => {
    const writeMs = { value: 100 };
    const { store, written, checkpointSaves } = slowDatabase(writeMs);
    const log = await logOfUses(100);
    const logged: string[] = [];
    const runner = () => new ProjectionRunner(log, new ViewProjection(definition, store), { retryMinMs: 100, retryMaxMs: 5000, onLog: (_level, message) => logged.push(message) });
    const first = runner();
    await first.start();
    while (written.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopAsked = performance.now();
    await first.stop();
    const stopMs = performance.now() - stopAsked;
    // 100 writes of 100 ms, 4 at a time: 2.5 s to its end.
    expect(stopMs).toBeLessThan(500);
    expect(written.length).toBeLessThan(20);
    expect(checkpointSaves).toEqual([]);
    expect(logged).toEqual([]);

    writeMs.value = 1;
    const second = runner();
    await second.start();
    await second.waitUntilProcessed(100, 5000);
    await second.pause();
    expect(new Set(written).size).toBe(100);
    expect(checkpointSaves.at(-1)).toBe(100);
    expect(logged).toEqual([]);
  }, 15_000);
});
