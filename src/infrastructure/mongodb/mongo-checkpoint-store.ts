import type { Collection, Db, MongoClient } from 'mongodb';
import type { CheckpointStore, DeliveryFailures } from '../../anomalies/delivery/checkpoint-store.port.js';
import { isDuplicateKey } from './duplicate-key.js';
import { unlessUnreachable } from './mongo-unavailable.js';

/** Positions of side-effecting projections, in a collection the read-model rebuild never touches. */
export class MongoCheckpointStore implements CheckpointStore {
  static readonly COLLECTIONS = ['delivered', 'delivery_leases', 'delivery_failures'] as const;
  private readonly delivered: Collection<{ _id: string; position: number }>;
  private readonly leases: Collection<{ _id: string; holder: string; untilMs: number }>;
  private readonly failing: Collection<{ _id: string } & DeliveryFailures>;

  /** Takes over the client: close() closes it. */
  constructor(
    private readonly client: MongoClient,
    db: Db,
  ) {
    this.delivered = db.collection(MongoCheckpointStore.COLLECTIONS[0]);
    this.leases = db.collection(MongoCheckpointStore.COLLECTIONS[1]);
    this.failing = db.collection(MongoCheckpointStore.COLLECTIONS[2]);
  }

  async get(name: string): Promise<number | null> {
    return unlessUnreachable(async () => (await this.delivered.findOne({ _id: name }))?.position ?? null);
  }

  async save(name: string, position: number): Promise<void> {
    await unlessUnreachable(() => this.delivered.updateOne({ _id: name }, { $max: { position } }, { upsert: true }));
  }

  async rewind(name: string, position: number): Promise<void> {
    await unlessUnreachable(() => this.delivered.updateOne({ _id: name }, { $set: { position } }));
  }

  /** A conditional update, else an insert: two instances inserting at once collide on _id, and one of them wins. */
  async lease(name: string, holder: string, nowMs: number, untilMs: number): Promise<boolean> {
    return unlessUnreachable(async () => {
      const renewed = await this.leases.updateOne({ _id: name, $or: [{ holder }, { untilMs: { $lte: nowMs } }] }, { $set: { holder, untilMs } });
      if (renewed.matchedCount === 1) return true;
      try {
        await this.leases.insertOne({ _id: name, holder, untilMs });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    });
  }

  async leaseHolder(name: string): Promise<{ holder: string; untilMs: number } | null> {
    return unlessUnreachable(async () => {
      const lease = await this.leases.findOne({ _id: name });
      return lease ? { holder: lease.holder, untilMs: lease.untilMs } : null;
    });
  }

  async failures(name: string): Promise<DeliveryFailures | null> {
    return unlessUnreachable(async () => {
      const found = await this.failing.findOne({ _id: name });
      return found ? { alertId: found.alertId, attempts: found.attempts, lastAtMs: found.lastAtMs } : null;
    });
  }

  async saveFailures(name: string, failures: DeliveryFailures | null): Promise<void> {
    await unlessUnreachable(async () => {
      if (failures === null) await this.failing.deleteOne({ _id: name });
      else await this.failing.updateOne({ _id: name }, { $set: { ...failures } }, { upsert: true });
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
