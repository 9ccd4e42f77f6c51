import type { AnyBulkWriteOperation, Collection, Db, Document, Filter, MongoClient } from 'mongodb';
import type { ViewStore } from '../../shared/projections/view-projection.js';
import { unlessUnreachable } from './mongo-unavailable.js';

interface CheckpointDocument {
  _id: string;
  position: number;
}

export type ViewDocument<F> = F & { _id: string };

export interface ViewMapping<V extends { revision: number }, F extends Document> {
  collection: string;
  projection: string;
  toDocument(view: V): ViewDocument<F>;
  fromDocument(doc: ViewDocument<F>): V;
}

/**
 * A projection's views in one collection and its checkpoint in `checkpoints`, kept to what FerretDB
 * 1.24 supports: no transactions, so views and checkpoint are two writes, each idempotent, and a
 * replay after a crash between them converges.
 */
export class MongoViewStore<V extends { revision: number }, F extends Document> implements ViewStore<V> {
  readonly views: Collection<ViewDocument<F>>;
  private readonly checkpoints: Collection<CheckpointDocument>;

  /** Takes over the client: close() closes it. */
  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly mapping: ViewMapping<V, F>,
  ) {
    this.views = db.collection<ViewDocument<F>>(mapping.collection);
    this.checkpoints = db.collection<CheckpointDocument>('checkpoints');
  }

  async getMany(ids: readonly string[]): Promise<Map<string, V>> {
    return unlessUnreachable(async () => {
      const found = new Map<string, V>();
      if (ids.length === 0) return found;
      const docs = await this.views.find({ _id: { $in: [...ids] } } as Filter<ViewDocument<F>>).toArray();
      for (const doc of docs) found.set(doc._id, this.mapping.fromDocument(doc as ViewDocument<F>));
      return found;
    });
  }

  async save(views: readonly V[], checkpoint: number): Promise<void> {
    return unlessUnreachable(async () => {
      const writes = views.flatMap((view) => this.revisionGuardedWrites(view));
      if (writes.length > 0) await (this.views as unknown as Collection<ViewDocument<Document>>).bulkWrite(writes, { ordered: true });
      await this.checkpoints.updateOne({ _id: this.mapping.projection }, { $max: { position: checkpoint } }, { upsert: true });
    });
  }

  async getCheckpoint(): Promise<number | null> {
    return unlessUnreachable(async () => (await this.checkpoints.findOne({ _id: this.mapping.projection }))?.position ?? null);
  }

  async reset(): Promise<void> {
    // Checkpoint first: a crash in between leaves views without a checkpoint, which a rebuild
    // overwrites, never a checkpoint over missing views, which nothing would ever fill in.
    await unlessUnreachable(async () => {
      await this.checkpoints.deleteOne({ _id: this.mapping.projection });
      await this.views.deleteMany({});
    });
  }

  /**
   * Insert if missing, then replace if older. Unlike a revision-filtered upsert, neither write fails
   * with a duplicate _id when the stored view is newer, and a failure would matter: FerretDB 1.24
   * ignores `ordered: false` and abandons the rest of the batch at the first error.
   */
  private revisionGuardedWrites(view: V): AnyBulkWriteOperation<ViewDocument<Document>>[] {
    const { _id, ...fields } = this.mapping.toDocument(view);
    return [
      { updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true } },
      { updateOne: { filter: { _id, revision: { $lt: view.revision } }, update: { $set: fields } } },
    ];
  }

  async ping(): Promise<void> {
    await unlessUnreachable(() => this.db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
