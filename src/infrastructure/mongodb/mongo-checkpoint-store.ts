import type { Collection, Db, MongoClient } from 'mongodb';
import type { CheckpointStore } from '../../anomalies/delivery/checkpoint-store.port.js';
import { unlessUnreachable } from './mongo-unavailable.js';

/** Positions of side-effecting projections, in a collection the read-model rebuild never touches. */
export class MongoCheckpointStore implements CheckpointStore {
  static readonly COLLECTIONS = ['delivered'] as const;
  private readonly delivered: Collection<{ _id: string; position: number }>;

  /** Takes over the client: close() closes it. */
  constructor(
    private readonly client: MongoClient,
    db: Db,
  ) {
    this.delivered = db.collection(MongoCheckpointStore.COLLECTIONS[0]);
  }

  async get(name: string): Promise<number | null> {
    return unlessUnreachable(async () => (await this.delivered.findOne({ _id: name }))?.position ?? null);
  }

  async save(name: string, position: number): Promise<void> {
    await unlessUnreachable(() => this.delivered.updateOne({ _id: name }, { $max: { position } }, { upsert: true }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
