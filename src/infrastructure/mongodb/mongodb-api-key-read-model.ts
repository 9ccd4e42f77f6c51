import { unlessUnreachable } from './mongo-unavailable.js';
import type { AnyBulkWriteOperation, Collection, Db, MongoClient } from 'mongodb';
import type { ApiKeyListQuery, ApiKeyPage, ApiKeyReadModel } from '../../keys/projection/api-key-read-model.port.js';
import type { ApiKeyView } from '../../keys/projection/api-key-view.js';

type ApiKeyFields = Omit<ApiKeyView, 'id'>;

interface ApiKeyDocument extends ApiKeyFields {
  _id: string;
}

interface CheckpointDocument {
  _id: string;
  position: number;
}

const VIEWS = 'api_keys';
const CHECKPOINTS = 'checkpoints';
const PROJECTION = 'api-keys';

/**
 * The read model in MongoDB, kept to what FerretDB 1.24 supports: no transactions, so the views
 * and the checkpoint are two writes, each idempotent, and a replay after a crash between them
 * converges. It owns the client it is opened with: close() closes it.
 */
export class MongoApiKeyReadModel implements ApiKeyReadModel {
  private readonly views: Collection<ApiKeyDocument>;
  private readonly checkpoints: Collection<CheckpointDocument>;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {
    this.views = db.collection<ApiKeyDocument>(VIEWS);
    this.checkpoints = db.collection<CheckpointDocument>(CHECKPOINTS);
  }

  /** Creates the indexes if missing and returns the read model, which now owns the client. */
  static async open(client: MongoClient, db: Db): Promise<MongoApiKeyReadModel> {
    const readModel = new MongoApiKeyReadModel(client, db);
    try {
      await readModel.createIndexes();
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    return readModel;
  }

  private async createIndexes(): Promise<void> {
    // One index per call: FerretDB 1.24 panics when one createIndexes call repeats two existing indexes.
    await this.views.createIndex({ secretHash: 1 }, { name: 'secret_hash_unique', unique: true });
    await this.views.createIndex({ accountId: 1, createdPosition: -1 }, { name: 'account_newest_first' });
  }

  async findBySecretHash(secretHash: string): Promise<ApiKeyView | null> {
    return unlessUnreachable(async () => {
      const doc = await this.views.findOne({ secretHash });
      return doc ? toView(doc) : null;
    });
  }

  async findById(accountId: string, id: string): Promise<ApiKeyView | null> {
    return unlessUnreachable(async () => {
      const doc = await this.views.findOne({ _id: id, accountId });
      return doc ? toView(doc) : null;
    });
  }

  async list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    return unlessUnreachable(async () => {
      const docs = await this.views
        .find({ accountId, createdPosition: { $lt: query.beforePosition ?? Number.MAX_SAFE_INTEGER } })
        .sort({ createdPosition: -1 })
        .limit(query.limit + 1)
        .toArray();
      return { views: docs.slice(0, query.limit).map(toView), hasMore: docs.length > query.limit };
    });
  }

  async getMany(ids: readonly string[]): Promise<Map<string, ApiKeyView>> {
    return unlessUnreachable(async () => {
      const found = new Map<string, ApiKeyView>();
      if (ids.length === 0) return found;
      for (const doc of await this.views.find({ _id: { $in: [...ids] } }).toArray()) found.set(doc._id, toView(doc));
      return found;
    });
  }

  async scan(afterId: string | null, limit: number): Promise<ApiKeyView[]> {
    return unlessUnreachable(async () => {
      const filter = afterId === null ? {} : { _id: { $gt: afterId } };
      return (await this.views.find(filter).sort({ _id: 1 }).limit(limit).toArray()).map(toView);
    });
  }

  async save(views: readonly ApiKeyView[], checkpoint: number): Promise<void> {
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
    // Checkpoint first: a crash in between leaves views without a checkpoint, which a rebuild
    // overwrites, never a checkpoint over missing views, which nothing would ever fill in.
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

/**
 * Insert if missing, then replace if older. Unlike a revision-filtered upsert, neither write fails
 * with a duplicate _id when the stored view is newer, and a failure would matter: FerretDB 1.24
 * ignores `ordered: false` and abandons the rest of the batch at the first error.
 */
function revisionGuardedWrites(view: ApiKeyView): AnyBulkWriteOperation<ApiKeyDocument>[] {
  const { id, ...fields } = view;
  return [
    { updateOne: { filter: { _id: id }, update: { $setOnInsert: fields }, upsert: true } },
    { updateOne: { filter: { _id: id, revision: { $lt: view.revision } }, update: { $set: fields } } },
  ];
}

/** Nullable fields may be missing: FerretDB 1.24's $setOnInsert leaves out fields whose value is null. */
function toView(doc: ApiKeyDocument): ApiKeyView {
  return {
    id: doc._id,
    accountId: doc.accountId,
    name: doc.name ?? null,
    prefix: doc.prefix,
    secretHash: doc.secretHash,
    status: doc.status,
    createdAt: doc.createdAt,
    revokedAt: doc.revokedAt ?? null,
    rateLimit: { requests: doc.rateLimit.requests, perSeconds: doc.rateLimit.perSeconds },
    createdPosition: doc.createdPosition,
    revision: doc.revision,
  };
}
