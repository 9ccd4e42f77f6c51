import { randomUUID } from 'node:crypto';
import { MongoApiKeyReadModel } from '../../src/infrastructure/mongodb/mongodb-api-key-read-model.js';
import { MongoKeyUsageReadModel } from '../../src/infrastructure/mongodb/mongodb-key-usage-read-model.js';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import type { RecordedEvent } from '../../src/shared/event-store/event-store.port.js';
import { ViewProjection } from '../../src/shared/projections/view-projection.js';
import { ReadModelLostError } from '../../src/shared/storage/read-model-lost.error.js';
import { keyUsageStreamId } from '../../src/usage/domain/key-used.js';
import { keyUsageProjection } from '../../src/usage/projection/key-usage-projection.js';
import { makeView } from '../support/api-key-view.js';
import { whenMongo } from '../support/mongodb-fixture.js';

/** The key's uses 0 to count - 1, as its usage stream records them. */
const usesOf = (keyId: string, count: number): RecordedEvent[] =>
  Array.from({ length: count }, (_, revision) => {
    const usedAt = new Date(Date.UTC(2026, 11, 7, 12, 0, revision)).toISOString();
    const data = { keyId, accountId: 'acct_a', usedAt, requestId: `req_${revision}`, ip: '192.0.2.1', userAgent: 'ua', method: 'GET', path: '/v1/api-keys', outcome: 'accepted' };
    return { id: `e${revision}`, streamId: keyUsageStreamId(keyId), type: 'KeyUsed', schemaVersion: 1, data, metadata: {}, revision, position: revision + 1, recordedAt: usedAt };
  });

/**
 * A read model's checkpoint is never made again by a save over views that are gone: the views and the checkpoint
 * of a MongoDB read model are separate writes, and a database dropped under a running service once left a
 * checkpoint at the head of the log over empty views, which every instance started afterwards trusted.
 */
whenMongo('MongoDB read model lost contract', (url) =>
  describe('MongoDB view store: a read model lost under it', () => {
    const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
    const opened: { close(): Promise<void> }[] = [];
    const open = async () => {
      const { client, db } = await connectMongo(url, name);
      const readModel = await MongoApiKeyReadModel.open(client, db, 0);
      opened.push(readModel);
      return { readModel, db };
    };

    afterEach(async () => {
      const { client, db } = await connectMongo(url, name);
      await db.dropDatabase();
      await client.close();
      for (const readModel of opened.splice(0)) await readModel.close();
    });

    it('fails the save after the database was dropped, and reads no checkpoint then: the projection starts over from the log', async () => {
      const { readModel, db } = await open();
      expect(await readModel.getCheckpoint()).toBeNull();
      await readModel.save([makeView()], 5);
      await db.dropDatabase();

      const written = makeView();
      await expect(readModel.save([written], 6)).rejects.toBeInstanceOf(ReadModelLostError);
      // The view is written, the checkpoint is not made again: nothing says how far the views hold the log.
      expect(await readModel.getCheckpoint()).toBeNull();
      expect(await readModel.findById('acct_a', written.id)).toEqual(written);
      await readModel.save([], 6);
      expect(await readModel.getCheckpoint()).toBe(6);
    });

    it('fails the save of a store that read the checkpoint before another instance began it again', async () => {
      const first = await open();
      const second = await open();
      await first.readModel.save([], 9);
      expect(await second.readModel.getCheckpoint()).toBe(9);
      await first.db.dropDatabase();
      // The first instance starts over from the log and has got to 3 when the second one saves 9.
      await expect(first.readModel.save([], 10)).rejects.toBeInstanceOf(ReadModelLostError);
      expect(await first.readModel.getCheckpoint()).toBeNull();
      await first.readModel.save([], 3);
      await expect(second.readModel.save([], 9)).rejects.toBeInstanceOf(ReadModelLostError);
      expect(await first.readModel.getCheckpoint()).toBe(3);
      // Read again, the second goes on from there.
      expect(await second.readModel.getCheckpoint()).toBe(3);
      await second.readModel.save([], 9);
      expect(await first.readModel.getCheckpoint()).toBe(9);
    });

    it('reads no checkpoint where the views it was saved with were dropped since, even with views written after', async () => {
      const { readModel, db } = await open();
      await readModel.save([makeView(), makeView()], 5);
      await db.dropCollection('api_keys');
      // Written again by a save, the collection is another; the checkpoint document still stands.
      await readModel.save([makeView()], 6);
      const restarted = await open();
      expect(await restarted.readModel.getCheckpoint()).toBeNull();
      expect(await restarted.readModel.getCheckpoint()).toBeNull();
      await restarted.readModel.save([], 7);
      expect(await restarted.readModel.getCheckpoint()).toBe(7);
    });

    it('fails the lookup of a view the dropped database took, before anything is written: the rebuild from the log counts every use', async () => {
      const { client, db } = await connectMongo(url, name);
      const usage = new MongoKeyUsageReadModel(client, db, 0);
      opened.push(usage);
      const projection = new ViewProjection(keyUsageProjection, usage);
      const keyId = randomUUID();
      const uses = usesOf(keyId, 7);
      const fill = async (events: RecordedEvent[]) => {
        projection.beginBulk();
        await projection.handle(events);
        await projection.endBulk();
        await projection.saveCheckpoint(events[events.length - 1].position);
      };
      expect(await projection.checkpoint()).toBeNull();
      // Counted by a fill: the projection keeps no view from it (as after a failed write, which forgets those it kept).
      await fill(uses.slice(0, 5));
      await db.dropDatabase();

      // The next uses look the view up, in a database that no longer has it.
      await expect(projection.handle(uses.slice(5))).rejects.toBeInstanceOf(ReadModelLostError);
      // Started over as its runner does, from the start of the log.
      expect(await projection.checkpoint()).toBeNull();
      await fill(uses);
      expect((await usage.getMany([keyId])).get(keyId)).toMatchObject({ accepted: 7, revision: 6, countedFrom: 0 });
      // A view not found in the views read is none, not a loss.
      expect(await usage.getMany([randomUUID()])).toEqual(new Map());
    });

    it('keeps a checkpoint saved before checkpoints named their views', async () => {
      const { readModel, db } = await open();
      await db.collection<{ _id: string; position: number }>('checkpoints').insertOne({ _id: 'api-keys', position: 4 });
      expect(await readModel.getCheckpoint()).toBe(4);
      await readModel.save([], 8);
      expect(await readModel.getCheckpoint()).toBe(8);
    });
  }),
);
