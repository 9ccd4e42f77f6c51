import { type AnyBulkWriteOperation, type Collection, type Db, type Document, type Filter, type MongoClient, MongoServerError, type OptionalUnlessRequiredId } from 'mongodb';
import type { ViewStore } from '../../shared/projections/view-projection.js';
import { AdaptiveBatchSize } from './adaptive-batch-size.js';
import { isTimeout, unlessUnreachable } from './mongo-unavailable.js';
import { CHECKPOINTS, collectionOf } from './mongo-read-model-generations.js';

interface CheckpointDocument {
  _id: string;
  position: number;
}

/** Views per bulk write (two writes each), aiming at a fifth of the socket timeout per batch. */
const VIEW_BATCH = { initial: 100, min: 1, max: 2000 };
const SOCKET_TIMEOUT_SHARE = 5;
/** The most a batch of views is ever given, however slow the server: past it the store is reported unavailable. */
const MAX_BATCH_TIMEOUT_MS = 120_000;
const DUPLICATE_KEY = 11000;
/** Lookups in flight at once for getMany: well inside the driver's pool of 100 connections. */
const GETMANY_CONCURRENCY = 32;

/**
 * Writes `items` a batch at a time, each batch as large and given as long as `size` says; a batch that times out
 * is written again, smaller or given longer (the writes are idempotent).
 */
async function inAdaptiveBatches<T>(
  items: readonly T[],
  size: AdaptiveBatchSize,
  write: (batch: readonly T[], timeoutMS: number) => Promise<unknown>,
): Promise<void> {
  for (let done = 0; done < items.length; ) {
    const batch = items.slice(done, done + size.current);
    const started = performance.now();
    try {
      await write(batch, size.timeoutMs);
    } catch (error) {
      if (isTimeout(error) && size.timedOut()) continue;
      throw error;
    }
    size.succeeded(batch.length, performance.now() - started);
    done += batch.length;
  }
}
const DEFAULT_SOCKET_TIMEOUT_MS = 5000;

const isDuplicateKey = (error: unknown): boolean => error instanceof MongoServerError && error.code === DUPLICATE_KEY;

export type ViewDocument<F> = F & { _id: string };

export interface ViewMapping<V extends { revision: number }, F extends Document> {
  collection: string;
  projection: string;
  toDocument(view: V): ViewDocument<F>;
  fromDocument(doc: ViewDocument<F>): V;
}

/**
 * A projection's views in one collection and its checkpoint in `checkpoints` (both of a generation), kept to what FerretDB
 * 1.24 supports: no transactions, so views and checkpoint are two writes, each idempotent, and a
 * replay after a crash between them converges.
 */
export class MongoViewStore<V extends { revision: number }, F extends Document> implements ViewStore<V> {
  readonly views: Collection<ViewDocument<F>>;
  private readonly checkpoints: Collection<CheckpointDocument>;
  private readonly upsertBatch: AdaptiveBatchSize;
  private readonly insertBatch: AdaptiveBatchSize;

  /** Takes over the client: close() closes it. */
  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly mapping: ViewMapping<V, F>,
    generation: number,
  ) {
    this.views = db.collection<ViewDocument<F>>(collectionOf(mapping.collection, generation));
    this.checkpoints = db.collection<CheckpointDocument>(collectionOf(CHECKPOINTS, generation));
    // Batches are sized to the connection's own socket timeout, so a batch that is on target never times out.
    const socketTimeoutMs = client.options?.socketTimeoutMS || DEFAULT_SOCKET_TIMEOUT_MS;
    const timeouts = { targetMs: socketTimeoutMs / SOCKET_TIMEOUT_SHARE, timeoutMs: socketTimeoutMs, maxTimeoutMs: MAX_BATCH_TIMEOUT_MS };
    this.upsertBatch = new AdaptiveBatchSize({ ...VIEW_BATCH, ...timeouts });
    this.insertBatch = new AdaptiveBatchSize({ ...VIEW_BATCH, initial: 1000, max: 10_000, ...timeouts });
  }

  /**
   * One lookup by _id per view, GETMANY_CONCURRENCY at a time: FerretDB 1.24 answers `_id` equality from its
   * primary key but `$in` (or `$or`) by scanning the collection, measured at 1.4 ms a lookup against 1.8 s
   * for one `$in`, on 20,000 views. A real MongoDB pipelines these on its connection pool.
   */
  async getMany(ids: readonly string[]): Promise<Map<string, V>> {
    return unlessUnreachable(async () => {
      const found = new Map<string, V>();
      for (let from = 0; from < ids.length; from += GETMANY_CONCURRENCY) {
        const docs = await Promise.all(ids.slice(from, from + GETMANY_CONCURRENCY).map((id) => this.findView(id)));
        for (const doc of docs) if (doc) found.set(doc._id, this.mapping.fromDocument(doc));
      }
      return found;
    });
  }

  /** The stored view document with this id; callers check any other condition (the account) themselves. */
  protected async findView(id: string): Promise<ViewDocument<F> | null> {
    return (await this.views.findOne({ _id: id } as Filter<ViewDocument<F>>)) as ViewDocument<F> | null;
  }

  /**
   * Writes the views in batches sized by how long the last ones took (a timed-out batch is retried at half
   * the size: the writes are idempotent), then the checkpoint, so a save of any size finishes on a slow server.
   */
  async save(views: readonly V[], checkpoint: number, options?: { held: true }): Promise<void> {
    const writes = (view: V) => (options?.held ? [this.newerRevisionWrite(view)] : this.revisionGuardedWrites(view));
    return unlessUnreachable(async () => {
      await inAdaptiveBatches(views, this.upsertBatch, (batch, timeoutMS) => this.bulkWrite(batch.flatMap(writes), timeoutMS));
      await this.checkpoints.updateOne({ _id: this.mapping.projection }, { $max: { position: checkpoint } }, { upsert: true });
    });
  }

  /**
   * Views absent when read (a new key, a rebuild into an emptied collection): plain inserts, tens of times
   * faster than guarded upserts on FerretDB. A batch that meets views already there (a flush retried after a
   * crash, a view started without a lookup) ends as save() would have made it, at the cost of one `$in` read
   * for the whole batch (FerretDB 1.24 scans the collection once for it, where a guarded write per view would
   * scan it once per view): views not stored are inserted, stored ones are replaced only by newer revisions.
   */
  async insertNew(views: readonly V[]): Promise<void> {
    return unlessUnreachable(() =>
      inAdaptiveBatches(views, this.insertBatch, async (batch, timeoutMS) => {
        try {
          await this.insertMany(batch, timeoutMS);
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          await this.insertOrReplaceOlder(batch, timeoutMS);
        }
      }),
    );
  }

  private async insertOrReplaceOlder(batch: readonly V[], timeoutMS: number): Promise<void> {
    const ids = batch.map((view) => this.mapping.toDocument(view)._id);
    const stored = await this.views
      .find({ _id: { $in: ids } } as Filter<ViewDocument<F>>, { projection: { revision: 1 }, timeoutMS })
      .toArray();
    const storedRevisions = new Map<string, number>(stored.map((doc) => [String(doc._id), (doc as unknown as { revision: number }).revision]));
    const absent = batch.filter((_, index) => !storedRevisions.has(ids[index]));
    const newer = batch.filter((view, index) => (storedRevisions.get(ids[index]) ?? Infinity) < view.revision);
    try {
      if (absent.length > 0) await this.insertMany(absent, timeoutMS);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Inserted meanwhile by another writer (another instance on the same database): the guarded way.
      await this.bulkWrite(absent.flatMap((view) => this.revisionGuardedWrites(view)), timeoutMS);
    }
    if (newer.length > 0) await this.bulkWrite(newer.map((view) => this.newerRevisionWrite(view)), timeoutMS);
  }

  private async insertMany(views: readonly V[], timeoutMS: number): Promise<void> {
    const docs = views.map((view) => this.mapping.toDocument(view)) as OptionalUnlessRequiredId<ViewDocument<F>>[];
    await this.views.insertMany(docs, { ordered: true, timeoutMS });
  }

  private bulkWrite(writes: AnyBulkWriteOperation<ViewDocument<Document>>[], timeoutMS: number) {
    return (this.views as unknown as Collection<ViewDocument<Document>>).bulkWrite(writes, { ordered: true, timeoutMS });
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
    return [{ updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true } }, this.newerRevisionWrite(view)];
  }

  /** Replaces a stored view with this one only if this one is newer: on its own, for a view known to be stored. */
  private newerRevisionWrite(view: V): AnyBulkWriteOperation<ViewDocument<Document>> {
    const { _id, ...fields } = this.mapping.toDocument(view);
    return { updateOne: { filter: { _id, revision: { $lt: view.revision } }, update: { $set: fields } } };
  }

  async ping(): Promise<void> {
    await unlessUnreachable(() => this.db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
