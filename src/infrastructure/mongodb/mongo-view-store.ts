import { isDeepStrictEqual } from 'node:util';
import { type Collection, type Db, type Document, type Filter, type MongoClient, type OptionalUnlessRequiredId, type UpdateFilter } from 'mongodb';
import type { ViewStore } from '../../shared/projections/view-projection.js';
import { ReadModelLostError } from '../../shared/storage/read-model-lost.error.js';
import { AdaptiveBatchSize } from './adaptive-batch-size.js';
import { isDuplicateKey } from './duplicate-key.js';
import { collectionUuid, createMissingCollections } from './mongo-collections.js';
import { cursorBatches } from './cursor-batches.js';
import { isServerTimeLimit, isTimeout, unlessUnreachable } from './mongo-unavailable.js';
import { type NewestFirst, NewestViews } from './newest-views.js';
import { CHECKPOINTS, collectionOf } from './mongo-read-model-generations.js';

interface CheckpointDocument {
  _id: string;
  /** Absent until the first save: the views are those the log gives from its start. */
  position?: number;
  /**
   * The UUID of the views collection the checkpoint was begun with: a views collection dropped since is another
   * (its UUID too), and a document begun again (the database dropped, another instance starting over) names
   * another, which a save of a store that read the earlier one does not match.
   */
  views?: string;
}

type BegunCheckpoint = CheckpointDocument & { views: string };

/**
 * Views per batch of a read of the whole collection (a load, a pass), aiming at a fifth of the 5 s socket timeout as the
 * view writes do: FerretDB 1.24 (SQLite backend, 100,065 key views, load average 13-16 on 2 cores) answered its slowest
 * batch of 500 in 0.49 s, of 1,000 in 1.15-1.84 s, of 2,000 in 2.87 s, of 5,000 in 4.5-12.9 s.
 */
export const LOAD_BATCH = 500;

/** Views per batch of writes, aiming at a fifth of the socket timeout per batch. */
const VIEW_BATCH = { initial: 100, min: 1, max: 2000 };
const SOCKET_TIMEOUT_SHARE = 5;
/** The most a batch of views is ever given, however slow the server: past it the store is reported unavailable. */
const MAX_BATCH_TIMEOUT_MS = 120_000;
/** Lookups in flight at once for getMany: well inside the driver's pool of 100 connections. */
const GETMANY_CONCURRENCY = 32;
/**
 * Writes in flight at once: FerretDB 1.24 serialises them (15 ms a write at 1, 2, 4 or 8 in flight, 25 ms at 32,
 * measured on 1,500 views; at 16 on 20,000 views some fail with SQLITE_BUSY); a real MongoDB overlaps them.
 */
const WRITE_CONCURRENCY = 4;
/** A view displaced this often in a row by older ones is given up on for now: the batch fails and is retried. */
const MAX_PUT_BACK_ROUNDS = 10;

/**
 * Writes `items` a batch at a time, each batch as large and given as long as `size` says; a batch that times out
 * is written again, smaller or given longer (the writes are idempotent).
 */
async function inAdaptiveBatches<T>(
  items: readonly T[],
  size: AdaptiveBatchSize,
  write: (batch: readonly T[], timeoutMS: number) => Promise<unknown>,
  goOn: () => void,
): Promise<void> {
  for (let done = 0; done < items.length; ) {
    goOn();
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

const revisionOf = (doc: Document): number => (doc as { revision: number }).revision;

/**
 * Runs an upsert again when a concurrent one inserted the same _id first: FerretDB 1.24 answers the loser with
 * a duplicate-key error (a MongoDB server retries such an upsert itself); the second run finds the document.
 */
async function upsertRace<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return upsert();
  }
}

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
  /** The views collection named by the checkpoint document this store read (getCheckpoint): the one its saves advance. */
  private viewsRead: string | null = null;
  /** Set by stopWrites(true): the reads and writes of a batch in progress give up between two round trips. */
  private stopping = false;
  /** What one round trip aims at: a fifth of the connection's socket timeout, so one on target never times out. */
  protected readonly roundTripTargetMs: number;

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
    this.roundTripTargetMs = socketTimeoutMs / SOCKET_TIMEOUT_SHARE;
    const timeouts = { targetMs: this.roundTripTargetMs, timeoutMs: socketTimeoutMs, maxTimeoutMs: MAX_BATCH_TIMEOUT_MS };
    this.upsertBatch = new AdaptiveBatchSize({ ...VIEW_BATCH, ...timeouts });
    this.insertBatch = new AdaptiveBatchSize({ ...VIEW_BATCH, initial: 1000, max: 10_000, ...timeouts });
  }

  /**
   * One lookup by _id per view, GETMANY_CONCURRENCY at a time: FerretDB 1.24 hands a filter of `_id` alone to
   * SQLite but decodes every document of the collection for `$in` (or any other filter), measured at 1.4 ms a
   * lookup against 1.8 s for one `$in`, on 20,000 views. A real MongoDB pipelines these on its connection pool.
   * A view not found is one more round trip (viewsStillRead), after the lookups, so a drop before any of them is seen.
   */
  async getMany(ids: readonly string[]): Promise<Map<string, V>> {
    return unlessUnreachable(async () => {
      const found = new Map<string, V>();
      for (let from = 0; from < ids.length; from += GETMANY_CONCURRENCY) {
        this.goOn();
        const docs = await Promise.all(ids.slice(from, from + GETMANY_CONCURRENCY).map((id) => this.findView(id)));
        for (const doc of docs) if (doc) found.set(doc._id, this.mapping.fromDocument(doc));
      }
      if (found.size < ids.length) await this.viewsStillRead();
      return found;
    });
  }

  /**
   * A view looked up in a views collection dropped since the checkpoint was read (the database dropped under the
   * service) is not found, and the projection would fold the batch's events alone into it: a key's later uses counted
   * as its first, at the revision of the whole fold. The save after fails (ReadModelLostError), but the view is written
   * by then, and the rebuild from the log never replaces it, since writes keep an equal revision stored (equal revisions
   * are taken to be equal folds): its usage stayed at the uses after the drop. So the lookup fails first.
   */
  private async viewsStillRead(): Promise<void> {
    // No checkpoint read: a store the request handlers read (the projection's own is another), or one reset to be filled from the start of the log.
    if (this.viewsRead === null) return;
    const views = await collectionUuid(this.db, this.views.collectionName);
    if (views !== this.viewsRead) throw new ReadModelLostError(this.mapping.projection, `its views in ${this.views.collectionName} are gone or were begun again`);
  }

  /**
   * A page as the server sorts it (fromServer, a find given maxTimeMS: roundTripTargetMs) or, when the server says it
   * cannot in that time (FerretDB 1.24 decodes and sorts the whole collection before the first byte), as fromPass
   * chooses it (newestOfPass). The same code on every server: a MongoDB server answers from its index in time.
   */
  protected async pageOrPass<T>(fromServer: () => Promise<T>, fromPass: () => Promise<T>): Promise<T> {
    return unlessUnreachable(async () => {
      try {
        return await fromServer();
      } catch (error) {
        if (!isServerTimeLimit(error)) throw error;
        return fromPass();
      }
    });
  }

  /**
   * The `count` newest views `listed` takes, from one pass over the collection with no filter and no sort: each batch of
   * LOAD_BATCH comes as the server decodes it, so no round trip waits for the whole scan, where a filter would (an
   * account's last match may be the collection's first view). Only the newest `count` are held (NewestViews).
   */
  protected async newestOfPass(count: number, order: NewestFirst<V>, listed: (view: V) => boolean): Promise<V[]> {
    const newest = new NewestViews(count, order);
    const cursor = this.views.find({}, { batchSize: LOAD_BATCH });
    for await (const batch of cursorBatches(cursor, LOAD_BATCH, (doc) => this.mapping.fromDocument(doc as ViewDocument<F>))) {
      for (const view of batch) if (listed(view)) newest.offer(view);
    }
    return newest.views();
  }

  /** The stored view document with this id; callers check any other condition (the account) themselves. */
  protected async findView(id: string): Promise<ViewDocument<F> | null> {
    return (await this.views.findOne({ _id: id } as Filter<ViewDocument<F>>)) as ViewDocument<F> | null;
  }

  /**
   * Writes the views in batches sized by how long the last ones took (a timed-out batch is retried at half
   * the size: the writes are idempotent), then the checkpoint, so a save of any size finishes on a slow server.
   * Views held when read or not are written alike (writeUnlessNewer).
   *
   * The checkpoint is advanced, never made: an upsert would make it again at this position after the database was
   * dropped under the service, over views that hold only what was written since, and every instance started on
   * them would trust it (the key table would know no key written before). A document gone, or begun again with
   * other views, fails the save with ReadModelLostError, and the projection starts over from what is stored.
   */
  async save(views: readonly V[], checkpoint: number): Promise<void> {
    return unlessUnreachable(async () => {
      await inAdaptiveBatches(views, this.upsertBatch, (batch, timeoutMS) => this.writeAllUnlessNewer(batch, timeoutMS), this.goOn);
      this.viewsRead ??= (await this.begunCheckpoint()).views;
      const advanced = await this.checkpoints.updateOne({ _id: this.mapping.projection, views: this.viewsRead }, { $max: { position: checkpoint } });
      // Until getCheckpoint() reads the checkpoint again, every save fails so.
      if (advanced.matchedCount === 0) throw new ReadModelLostError(this.mapping.projection, `its checkpoint in ${this.checkpoints.collectionName} is gone or was begun again`);
    });
  }

  /** writeUnlessNewer for each view, WRITE_CONCURRENCY at a time (different views: their order does not matter). */
  private async writeAllUnlessNewer(views: readonly V[], timeoutMS: number): Promise<void> {
    let next = 0;
    const writer = async () => {
      while (next < views.length) {
        this.goOn();
        await this.writeUnlessNewer(this.mapping.toDocument(views[next++]), timeoutMS);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, views.length) }, writer));
  }

  /**
   * Stores the view unless a newer revision of it is stored, with writes filtered on `_id` alone: FerretDB 1.24
   * hands such a filter to SQLite, but decodes every document of the collection for any other, so the usual
   * guard `{_id, revision: {$lt: r}}` cost 165 ms a write against 2.7 ms, at 1,500 key views. The write sets
   * every field of the view and answers the document as it was; when that was newer (another instance
   * projecting into the same database ran ahead), it is put back the same way (fields it lacks unset), until
   * what a write displaces is not newer. Every writer ends so, so the newest revision any of them wrote is
   * what stays; a read in between may see the older view for one round trip. Equal revisions hold equal
   * views (a view is a pure fold of its events). `$set` rather than a replacement: FerretDB 1.24 takes ten
   * times longer to replace a document (27.5 ms) than to set its fields.
   */
  private async writeUnlessNewer(view: ViewDocument<F>, timeoutMS: number): Promise<void> {
    let doc: Document = view;
    let written: Document | null = null;
    for (let round = 1; ; round++) {
      const { _id, ...fields } = doc;
      const unset = written ? Object.keys(written).filter((field) => !(field in doc)) : [];
      const update = unset.length > 0 ? { $set: fields, $unset: Object.fromEntries(unset.map((field) => [field, ''])) } : { $set: fields };
      const displaced = await upsertRace(() =>
        this.views.findOneAndUpdate({ _id } as Filter<ViewDocument<F>>, update as UpdateFilter<ViewDocument<F>>, { upsert: true, returnDocument: 'before', timeoutMS }),
      );
      if (!displaced) return;
      const newer = revisionOf(displaced) > revisionOf(doc);
      // An equal revision written first stays (a replay changes nothing), put back once if it differs.
      const first = round === 1 && revisionOf(displaced) === revisionOf(doc) && !isDeepStrictEqual(displaced, doc);
      if (!newer && !first) return;
      if (round === MAX_PUT_BACK_ROUNDS) throw new Error(`view ${String(_id)} of ${this.mapping.collection} kept changing under ${round} writes`);
      written = doc;
      doc = displaced;
    }
  }

  /**
   * Views absent when read (a new key, a rebuild into an emptied collection): plain inserts, many at a time,
   * where save() writes one view a round trip. A batch that meets views already there (a flush retried after a
   * crash, a view started without a lookup) ends as save() would have made it, at the cost of one `$in` read
   * for the whole batch (FerretDB 1.24 decodes the collection once for it, where a write per view would search
   * it once per view): views not stored are inserted, stored ones are replaced only by newer revisions.
   */
  async insertNew(views: readonly V[]): Promise<void> {
    return unlessUnreachable(() =>
      inAdaptiveBatches(
        views,
        this.insertBatch,
        async (batch, timeoutMS) => {
          try {
            await this.insertMany(batch, timeoutMS);
          } catch (error) {
            if (!isDuplicateKey(error)) throw error;
            await this.insertOrReplaceOlder(batch, timeoutMS);
          }
        },
        this.goOn,
      ),
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
      await this.writeAllUnlessNewer(absent, timeoutMS);
    }
    await this.writeAllUnlessNewer(newer, timeoutMS);
  }

  private async insertMany(views: readonly V[], timeoutMS: number): Promise<void> {
    const docs = views.map((view) => this.mapping.toDocument(view)) as OptionalUnlessRequiredId<ViewDocument<F>>[];
    await this.views.insertMany(docs, { ordered: true, timeoutMS });
  }

  /** The stored checkpoint, or null: none, or saved with views that are gone (begun again from the start of the log). */
  async getCheckpoint(): Promise<number | null> {
    return unlessUnreachable(async () => {
      const begun = await this.begunCheckpoint();
      this.viewsRead = begun.views;
      return begun.position ?? null;
    });
  }

  /**
   * The checkpoint document of the views stored now. One saved with a views collection that is gone (dropped,
   * made again by a write since) says how far views hold what they no longer do: it is begun again, with no
   * position, so the projection fills them from the start of the log, and the key table that loads them at start
   * follows the log from its start too. One saved before documents named their views is taken to be of these.
   */
  private async begunCheckpoint(): Promise<BegunCheckpoint> {
    const _id = this.mapping.projection;
    for (;;) {
      const views = await this.viewsCollection();
      const found = await this.checkpoints.findOne({ _id });
      if (found?.views === views) return found as BegunCheckpoint;
      try {
        if (found === null) await this.checkpoints.insertOne({ _id, views });
        else if (found.views === undefined) await this.checkpoints.updateOne({ _id, views: { $exists: false } }, { $set: { views } });
        else await this.checkpoints.deleteOne({ _id, views: found.views });
      } catch (error) {
        // Begun by another instance at the same moment: its document is the one.
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }

  /** The UUID of the views collection, made if it is missing (the database dropped, no view written since). */
  private async viewsCollection(): Promise<string> {
    const name = this.views.collectionName;
    const uuid = await collectionUuid(this.db, name);
    if (uuid !== null) return uuid;
    await createMissingCollections(this.db, [name]);
    return (await collectionUuid(this.db, name))!;
  }

  /**
   * A stop of the projection (true) gives up the batch in progress between two round trips, where it would otherwise
   * write it to the end: on FerretDB 1.24, 15 ms or more a view written one at a time, a batch of 100 uses of
   * different keys took over the 2 s a stop waits (a SIGTERM of a restarted 100,000-key service). What was
   * written stays (every write is idempotent); the checkpoint is not advanced, so the batch is read again at the next
   * start. The start (false) takes writes up again.
   */
  stopWrites(stopping: boolean): void {
    this.stopping = stopping;
  }

  private readonly goOn = (): void => {
    if (this.stopping) throw new Error(`${this.mapping.projection} is stopping: the batch in progress is given up, and read again at the next start`);
  };

  async reset(): Promise<void> {
    // Checkpoint first: a crash in between leaves views without a checkpoint, which a rebuild
    // overwrites, never a checkpoint over missing views, which nothing would ever fill in.
    await unlessUnreachable(async () => {
      await this.checkpoints.deleteOne({ _id: this.mapping.projection });
      this.viewsRead = null;
      await this.views.deleteMany({});
    });
  }

  async ping(): Promise<void> {
    await unlessUnreachable(() => this.db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
