import type { Collection, Db, Filter, MongoClient } from 'mongodb';
import type { ApiKeyListAllQuery, ApiKeyListQuery, ApiKeyPage, ApiKeyReadModel } from '../../keys/projection/api-key-read-model.port.js';
import { type ApiKeyView, type KeyStatus, keyStatusAt } from '../../keys/projection/api-key-view.js';
import { foldKeyName, matchesKeySearch, prefixRangeEnd } from '../../keys/projection/key-search.js';
import { cursorBatches } from './cursor-batches.js';
import { MongoKeyAccounts } from './mongo-key-accounts.js';
import { hasStaleFoldedName, type NamedDocument, refoldNames } from './mongo-stale-folded-names.js';
import { isServerTimeLimit, unlessUnreachable } from './mongo-unavailable.js';
import type { NewestFirst } from './newest-views.js';
import { LOAD_BATCH, MongoViewStore, type ViewDocument } from './mongo-view-store.js';

/** nameFolded: foldKeyName(name), what the name search's index holds (null, or missing, for a key without a name). */
type ApiKeyFields = Omit<ApiKeyView, 'id'> & { nameFolded?: string | null };

/** The key views in MongoDB. It owns the client it is opened with: close() closes it. */
export class MongoApiKeyReadModel extends MongoViewStore<ApiKeyView, ApiKeyFields> implements ApiKeyReadModel {
  private readonly accounts: MongoKeyAccounts;
  /** The rewrite of the stale folded names the last load met (allViews), running behind it. */
  private refolding: Promise<number> = Promise.resolve(0);
  private closing = false;
  /** Keys chosen per pass by listAll on a server that cannot sort in time: the most views it holds (a spec sets a few). */
  passWindow = PASS_WINDOW;

  private constructor(client: MongoClient, db: Db, generation: number) {
    super(
      client,
      db,
      {
        collection: 'api_keys',
        projection: 'api-keys',
        toDocument: ({ id, ...fields }) => ({ _id: id, ...fields, nameFolded: fields.name === null ? null : foldKeyName(fields.name) }),
        fromDocument: toView,
      },
      generation,
    );
    this.accounts = new MongoKeyAccounts(db, generation);
  }

  /** Creates the indexes if missing and returns the read model, which now owns the client. */
  static async open(client: MongoClient, db: Db, generation: number): Promise<MongoApiKeyReadModel> {
    const readModel = new MongoApiKeyReadModel(client, db, generation);
    try {
      await readModel.createIndexes();
      await readModel.accounts.markFilledIfNoViews(readModel.views);
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
    // The key search's: a MongoDB server serves ?prefix= and ?name_prefix= (a range on nameFolded) from these; FerretDB
    // 1.24 keeps them but scans the collection for any filter but {_id} (docs/operations.md, FerretDB).
    await this.views.createIndex({ accountId: 1, nameFolded: 1 }, { name: 'account_name_search' });
    await this.views.createIndex({ accountId: 1, prefix: 1 }, { name: 'account_prefix_search' });
  }

  async findById(accountId: string, id: string): Promise<ApiKeyView | null> {
    return unlessUnreachable(async () => {
      // By _id alone, which FerretDB answers from its primary key; the account is checked here.
      const found = await this.findView(id);
      const doc = found?.accountId === accountId ? found : null;
      return doc ? toView(doc) : null;
    });
  }

  /**
   * A page as the server sorts it from the account's index, given a fifth of the socket timeout (maxTimeMS); a server
   * that cannot answer it in that time (FerretDB 1.24, which decodes and sorts the whole collection in memory before the
   * first byte: 3.7-11.7 s at 20,000 views under load, 60-214 s at 100,000) stops and says so, and the page is then
   * chosen here from one streamed pass over the collection (pageFromPass). The same code on every server: a MongoDB
   * server answers from its index within the limit and is never read whole for a page.
   */
  async list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    return this.pageOrPass(
      () => this.pageFromServer(accountId, query),
      () => this.pageFromPass(accountId, query),
    );
  }

  private async pageFromServer(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    const filter = serverFilter(accountId, query);
    if (query.namePrefix !== undefined) return this.listByName(filter, query);
    const docs = await this.views
      .find(filter, { maxTimeMS: this.roundTripTargetMs })
      .sort({ createdPosition: -1 })
      .limit(query.limit + 1)
      .toArray();
    return { views: docs.slice(0, query.limit).map(toView), hasMore: docs.length > query.limit };
  }

  /**
   * A name search: the views in the nameFolded range, and those written before the search with a name and no nameFolded
   * (compared here, folded), until the next write or a rebuild gives them one. Nothing fills them in on open: on FerretDB
   * 1.24 finding them was a scan of the collection at every open (2.6-3.7 s at 20,000 views), and each update by _id
   * costs about 100 ms there (docs/operations.md), hours for an upgrade at 100,000 views.
   */
  private async listByName(filter: Filter<ViewDocument<ApiKeyFields>>, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    const views: ApiKeyView[] = [];
    const cursor = this.views.find(filter, { maxTimeMS: this.roundTripTargetMs });
    try {
      for await (const doc of cursor.sort({ createdPosition: -1 })) {
        const view = toView(doc);
        if (!matchesKeySearch(view, query)) continue;
        if (views.length === query.limit) return { views, hasMore: true };
        views.push(view);
      }
    } finally {
      await cursor.close();
    }
    return { views, hasMore: false };
  }

  /**
   * The page chosen from one pass over the collection with no filter and no sort, as the key table's load reads it
   * (allViews): each batch of LOAD_BATCH comes as the server decodes it, so no round trip waits for the whole scan, where
   * a filter would (a small account's last match may be the collection's first view). The newest limit + 1 views kept
   * are the page; each view is compared as the server page's filter compares it (the name: its current name, folded).
   */
  private async pageFromPass(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    const views = await this.newestFromPass(accountId, query, query.limit + 1);
    return { views: views.slice(0, query.limit), hasMore: views.length > query.limit };
  }

  /** The `count` newest views the query lists, from one pass over the whole collection (pageFromPass). */
  private async newestFromPass(accountId: string, query: ApiKeyListAllQuery, count: number): Promise<ApiKeyView[]> {
    const now = new Date(query.now ?? new Date().toISOString());
    const before = query.beforePosition ?? Number.MAX_SAFE_INTEGER;
    const listed = (view: ApiKeyView) =>
      view.accountId === accountId &&
      view.createdPosition < before &&
      (query.status === undefined || keyStatusAt(view, now) === query.status) &&
      matchesKeySearch(view, query);
    return this.newestOfPass(count, BY_CREATION, listed);
  }

  /**
   * Every page in order (`list --all`), streamed. First a page of LOAD_BATCH asked as list() asks one (maxTimeMS): a server
   * that sorts it from its index in time (MongoDB) gives the rest from one cursor on the same sort, with no maxTimeMS, since
   * a cursor's maxTimeMS is the time of all its batches together on MongoDB (a large account would be cut off part way);
   * each batch is still bounded by the socket timeout. A server that cannot sort in time (FerretDB 1.24) has the keys
   * chosen here in windows of passWindow, newest first, one unsorted pass over the collection each (as pageFromPass): a
   * window's views are all that is held, and a list of n keys costs n / passWindow passes, where one pass per page of
   * `--limit` was n / 20 by default (docs/benchmarks.md, "list --all"). No order can be streamed without a sort; holding
   * every key instead would hold the account, which --all must not.
   */
  async *listAll(accountId: string, query: ApiKeyListAllQuery): AsyncIterable<ApiKeyView[]> {
    let first: ApiKeyPage;
    try {
      first = await unlessUnreachable(() => this.pageFromServer(accountId, { ...query, limit: LOAD_BATCH }));
    } catch (error) {
      if (!isServerTimeLimit(error)) throw error;
      yield* this.windowsFromPasses(accountId, query);
      return;
    }
    if (first.views.length > 0) yield first.views;
    if (!first.hasMore) return;
    const rest = serverFilter(accountId, { ...query, beforePosition: first.views.at(-1)!.createdPosition });
    const cursor = this.views.find(rest, { batchSize: LOAD_BATCH }).sort({ createdPosition: -1 });
    for await (const batch of cursorBatches(cursor, LOAD_BATCH, toView)) {
      // A name search's filter also takes views with a name and no nameFolded: compared here, as listByName does.
      const listed = query.namePrefix === undefined ? batch : batch.filter((view) => matchesKeySearch(view, query));
      if (listed.length > 0) yield listed;
    }
  }

  private async *windowsFromPasses(accountId: string, query: ApiKeyListAllQuery): AsyncIterable<ApiKeyView[]> {
    let beforePosition = query.beforePosition;
    for (;;) {
      const window = this.passWindow;
      const views = await unlessUnreachable(() => this.newestFromPass(accountId, { ...query, ...(beforePosition === undefined ? {} : { beforePosition }) }, window + 1));
      const listed = views.slice(0, window);
      for (let from = 0; from < listed.length; from += LOAD_BATCH) yield listed.slice(from, from + LOAD_BATCH);
      if (views.length <= window) return;
      beforePosition = listed.at(-1)!.createdPosition;
    }
  }

  /** By the accounts recorded (MongoKeyAccounts): a lookup by `_id`, not a filter on the views' accountId. */
  async holdsAccount(accountId: string): Promise<boolean> {
    return unlessUnreachable(() => this.accounts.holds(accountId, this.views));
  }

  /** The views' accounts are recorded first: an account recorded is one the log gave a key, whatever follows. */
  override async save(views: readonly ApiKeyView[], checkpoint: number): Promise<void> {
    await unlessUnreachable(() => this.accounts.record(views.map((view) => view.accountId)));
    await super.save(views, checkpoint);
  }

  override async insertNew(views: readonly ApiKeyView[]): Promise<void> {
    await unlessUnreachable(() => this.accounts.record(views.map((view) => view.accountId)));
    await super.insertNew(views);
  }

  override async reset(): Promise<void> {
    await unlessUnreachable(() => this.accounts.reset(() => super.reset()));
  }

  /**
   * One pass over the collection with no filter and no sort: FerretDB 1.24 sorts the whole collection in memory for
   * each page of a sorted read (15-23 s a page of 5,000 at 100,000 key views, past the socket timeout, so no
   * service could start). Unsorted it streams the stored rows, a batch of LOAD_BATCH in 0.5 s at most. On FerretDB's
   * SQLite backend the cursor reads one snapshot (each view once); a MongoDB server's collection scan meets each
   * view at least once, as fresh as when the scan reached it.
   *
   * The pass also notes the views whose folded name is not their name's (renamed by an earlier version:
   * hasStaleFoldedName), and once it has ended rewrites them, one write by `_id` each, behind the load rather than
   * in it: finding them costs no read of its own (the service reads every view at start anyway), and no start waits
   * for their writes (on FerretDB 1.24 each is a scan of the collection: 1.35 s at 20,000 views, load 27; docs/benchmarks.md).
   */
  async *allViews(): AsyncIterable<ApiKeyView[]> {
    const stale: { id: string; name: string }[] = [];
    const noteStale = (doc: ViewDocument<ApiKeyFields>) => {
      if (hasStaleFoldedName(doc)) stale.push({ id: doc._id, name: doc.name! });
      return toView(doc);
    };
    yield* cursorBatches(this.views.find({}, { batchSize: LOAD_BATCH }), LOAD_BATCH, noteStale);
    const views = this.views as unknown as Collection<NamedDocument>;
    // After the rewrite behind an earlier load, if any; one that fails leaves the rest to the next start.
    this.refolding = this.refolding.then(() => (stale.length === 0 ? 0 : refoldNames(views, stale, () => this.closing))).catch(() => 0);
  }

  /** How many stale folded names the rewrite behind the last load (allViews) set, once it has ended. */
  namesRefolded(): Promise<number> {
    return this.refolding;
  }

  override async close(): Promise<void> {
    this.closing = true;
    await this.refolding;
    await super.close();
  }
}

/** Keys newest first: by the log position of their creation. */
const BY_CREATION: NewestFirst<ApiKeyView> = { position: (view) => view.createdPosition, id: (view) => view.id };

/**
 * Views per window of listAll from passes (FerretDB 1.24): 10,000 views held (with up to as many more offered before they
 * are cut back: NewestViews); the CLI's peak RSS was 155 MB at 20,000 views and 233 MB at 100,000 (during a
 * pass), and a pass over 20,000 views took 11-82 s (docs/benchmarks.md, "list --all").
 */
const PASS_WINDOW = 10_000;

/**
 * The status filter at `now` (ISO text compares as time), as keyStatusAt. A missing endsAt (FerretDB leaves out
 * nulls, and views written before key policies have none) means no end.
 */
function statusFilter(status: KeyStatus, now: string): Record<string, unknown> {
  const notEnded = { $or: [{ endsAt: null }, { endsAt: { $exists: false } }, { endsAt: { $gt: now } }] };
  switch (status) {
    case 'revoked':
      return { status: 'revoked' };
    case 'expired':
      return { $or: [{ status: 'expired' }, { status: { $in: ['active', 'disabled'] }, endsAt: { $lte: now } }] };
    case 'disabled':
    case 'active':
      return { status, ...notEnded };
  }
}

/** What list() asks the server for: the account's keys before the cursor, by status and search (an index serves each). */
function serverFilter(accountId: string, query: ApiKeyListAllQuery): Filter<ViewDocument<ApiKeyFields>> {
  const filter = {
    accountId,
    createdPosition: { $lt: query.beforePosition ?? Number.MAX_SAFE_INTEGER },
    ...(query.status === undefined ? {} : statusFilter(query.status, query.now ?? new Date().toISOString())),
    ...(query.prefix === undefined ? {} : { prefix: query.prefix }),
  };
  if (query.namePrefix === undefined) return filter as Filter<ViewDocument<ApiKeyFields>>;
  const byName = { $or: [{ nameFolded: nameRange(query.namePrefix) }, { nameFolded: { $exists: false }, name: { $type: 'string' } }] };
  return { ...filter, $and: [byName] } as unknown as Filter<ViewDocument<ApiKeyFields>>;
}

/** The folded names that start with the text: an index range on nameFolded ($gte/$lt, which FerretDB 1.24 answers). */
function nameRange(namePrefix: string): Record<string, string> {
  const end = prefixRangeEnd(namePrefix);
  return end === null ? { $gte: namePrefix } : { $gte: namePrefix, $lt: end };
}

/** Nullable fields may be missing: FerretDB 1.24's $setOnInsert leaves out fields whose value is null. */
function toView(doc: ViewDocument<ApiKeyFields>): ApiKeyView {
  return {
    id: doc._id,
    accountId: doc.accountId,
    name: doc.name ?? null,
    prefix: doc.prefix,
    secretHash: doc.secretHash,
    status: doc.status,
    rateLimit: { requests: doc.rateLimit.requests, perSeconds: doc.rateLimit.perSeconds },
    createdAt: doc.createdAt,
    revokedAt: doc.revokedAt ?? null,
    // Views written before key policies have none of these: such keys had every permission, anywhere, for ever.
    permissions: doc.permissions ?? ['*'],
    allowedIps: doc.allowedIps ?? [],
    expiresAt: doc.expiresAt ?? null,
    disabled: doc.disabled ?? false,
    expiredAt: doc.expiredAt ?? null,
    endsAt: doc.endsAt ?? null,
    rolledFromKeyId: doc.rolledFromKeyId ?? null,
    rotation: doc.rotation ?? null,
    createdPosition: doc.createdPosition,
    revision: doc.revision,
    // Views written before it have none: they were written by a version that read every event it met.
    unreadableSince: doc.unreadableSince ?? null,
  };
}
