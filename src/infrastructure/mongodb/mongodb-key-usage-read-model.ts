import { unlessUnreachable } from './mongo-unavailable.js';
import type { AnyBulkWriteOperation, Collection, Db, MongoClient } from 'mongodb';
import type { KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageView } from '../../usage/projection/key-usage-view.js';

interface KeyUsageDocument extends Omit<KeyUsageView, 'keyId'> {
  _id: string;
}

interface CheckpointDocument {
  _id: string;
  position: number;
}

const VIEWS = 'key_usage';
const CHECKPOINTS = 'checkpoints';
const PROJECTION = 'key-usage';

/** Usage views in MongoDB, with the same FerretDB-safe, idempotent writes as the key views. */
export class MongoKeyUsageReadModel implements KeyUsageReadModel {
  private readonly views: Collection<KeyUsageDocument>;
  private readonly checkpoints: Collection<CheckpointDocument>;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {
    this.views = db.collection<KeyUsageDocument>(VIEWS);
    this.checkpoints = db.collection<CheckpointDocument>(CHECKPOINTS);
  }

  static async open(client: MongoClient, db: Db): Promise<MongoKeyUsageReadModel> {
    return new MongoKeyUsageReadModel(client, db);
  }

  async getMany(keyIds: readonly string[]): Promise<Map<string, KeyUsageView>> {
    return unlessUnreachable(async () => {
      const found = new Map<string, KeyUsageView>();
      if (keyIds.length === 0) return found;
      for (const doc of await this.views.find({ _id: { $in: [...keyIds] } }).toArray()) found.set(doc._id, toView(doc));
      return found;
    });
  }

  async save(views: readonly KeyUsageView[], checkpoint: number): Promise<void> {
    return unlessUnreachable(async () => {
      if (views.length > 0) await this.views.bulkWrite(views.flatMap(revisionGuardedWrites), { ordered: true });
      await this.checkpoints.updateOne({ _id: PROJECTION }, { $max: { position: checkpoint } }, { upsert: true });
    });
  }

  async getCheckpoint(): Promise<number | null> {
    return unlessUnreachable(async () => {
      return (await this.checkpoints.findOne({ _id: PROJECTION }))?.position ?? null;
    });
  }

  async reset(): Promise<void> {
    await this.checkpoints.deleteOne({ _id: PROJECTION });
    await this.views.deleteMany({});
  }

  async ping(): Promise<void> {
    return unlessUnreachable(async () => {
      await this.db.command({ ping: 1 });
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Insert if missing, then replace if older: see MongoApiKeyReadModel for why it takes two writes. */
function revisionGuardedWrites(view: KeyUsageView): AnyBulkWriteOperation<KeyUsageDocument>[] {
  const { keyId, ...fields } = view;
  return [
    { updateOne: { filter: { _id: keyId }, update: { $setOnInsert: fields }, upsert: true } },
    { updateOne: { filter: { _id: keyId, revision: { $lt: view.revision } }, update: { $set: fields } } },
  ];
}

/** Nullable fields may be missing: FerretDB 1.24's $setOnInsert leaves out fields whose value is null. */
function toView(doc: KeyUsageDocument): KeyUsageView {
  return {
    keyId: doc._id,
    accountId: doc.accountId,
    accepted: doc.accepted,
    rateLimited: doc.rateLimited,
    firstUsedAt: doc.firstUsedAt,
    lastUsedAt: doc.lastUsedAt,
    lastIp: doc.lastIp ?? null,
    lastUserAgent: doc.lastUserAgent ?? null,
    hourly: doc.hourly,
    revision: doc.revision,
  };
}
