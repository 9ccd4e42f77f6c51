import type { Db, Filter, MongoClient } from 'mongodb';
import type { AuditEntryView } from '../../keys/projection/audit-entry.js';
import { matchesAuditFilters } from '../../keys/projection/audit-log-filters.js';
import type { AuditLogQuery, AuditLogReadModel } from '../../keys/projection/audit-log-read-model.port.js';
import { unlessUnreachable } from './mongo-unavailable.js';
import type { NewestFirst } from './newest-views.js';
import { MongoViewStore, type ViewDocument } from './mongo-view-store.js';

/** The event as JSON text: FerretDB 1.24 leaves out a field whose value is null in some writes, and the entry shows the event as logged. */
type AuditFields = Omit<AuditEntryView, 'entryId' | 'event'> & { event: string };

/** The account's audit log in MongoDB. */
export class MongoAuditLogReadModel extends MongoViewStore<AuditEntryView, AuditFields> implements AuditLogReadModel {
  private constructor(client: MongoClient, db: Db, generation: number) {
    super(
      client,
      db,
      {
        collection: 'audit_log',
        projection: 'audit-log',
        toDocument: ({ entryId, event, ...fields }) => ({ _id: entryId, ...fields, event: JSON.stringify(event) }),
        fromDocument: toView,
      },
      generation,
    );
  }

  static async open(client: MongoClient, db: Db, generation: number): Promise<MongoAuditLogReadModel> {
    const readModel = new MongoAuditLogReadModel(client, db, generation);
    // One per equality filter, as in the embedded store: a MongoDB server walks them. FerretDB 1.24 (SQLite) keeps them
    // unused: it pushes down no filter but {_id} and sorts in memory, so every page is a scan there (explain: SCAN;
    // docs/benchmarks.md, session 55), past list()'s time limit at 20,000 entries: the page is then chosen from one pass. One index per call: FerretDB 1.24 panics when one createIndexes call repeats
    // two existing indexes.
    await readModel.views.createIndex({ accountId: 1, position: -1 }, { name: 'account_newest_first' });
    await readModel.views.createIndex({ accountId: 1, keyId: 1, position: -1 }, { name: 'account_key_newest_first' });
    await readModel.views.createIndex({ accountId: 1, actorKeyId: 1, position: -1 }, { name: 'account_actor_newest_first' });
    await readModel.views.createIndex({ accountId: 1, type: 1, position: -1 }, { name: 'account_type_newest_first' });
    return readModel;
  }

  /**
   * A page as the server sorts it from the account's indexes, given a fifth of the socket timeout (maxTimeMS); a server
   * that cannot answer in that time (FerretDB 1.24, which pushes down no filter but {_id} and sorts the whole collection
   * in memory before the first byte: 3-20 s a page at 20,000 entries under load, docs/benchmarks.md) stops and says so,
   * and the page is then chosen here from one streamed pass over the collection with no filter and no sort, each entry
   * compared as the server's filter compares it (pageFromPass). The same code on every server (pageOrPass, as the key
   * views' list): a MongoDB server answers from its index and never reads the collection whole for a page.
   */
  async list(accountId: string, query: AuditLogQuery): Promise<AuditLogPage> {
    return this.pageOrPass(
      () => this.pageFromServer(accountId, query),
      () => this.pageFromPass(accountId, query),
    );
  }

  private async pageFromServer(accountId: string, query: AuditLogQuery): Promise<AuditLogPage> {
    const docs = await this.views
      .find(serverFilter(accountId, query), { maxTimeMS: this.roundTripTargetMs })
      .sort({ position: -1 })
      .limit(query.limit + 1)
      .toArray();
    return { views: docs.slice(0, query.limit).map(toView), hasMore: docs.length > query.limit };
  }

  /** The newest limit + 1 entries the query lists, from one pass over the whole collection (newestOfPass). */
  private async pageFromPass(accountId: string, query: AuditLogQuery): Promise<AuditLogPage> {
    const before = query.beforePosition ?? Number.MAX_SAFE_INTEGER;
    const listed = (view: AuditEntryView) => view.accountId === accountId && view.position < before && matchesAuditFilters(view, query);
    const views = await this.newestOfPass(query.limit + 1, BY_POSITION, listed);
    return { views: views.slice(0, query.limit), hasMore: views.length > query.limit };
  }

  async findById(accountId: string, entryId: string): Promise<AuditEntryView | null> {
    return unlessUnreachable(async () => {
      // By _id alone, which FerretDB answers from its primary key; the account is checked here.
      const found = await this.findView(entryId);
      return found?.accountId === accountId ? toView(found) : null;
    });
  }
}

type AuditLogPage = { views: AuditEntryView[]; hasMore: boolean };

/** Entries newest first: by their log position (one entry per event, so one per position). */
const BY_POSITION: NewestFirst<AuditEntryView> = { position: (view) => view.position, id: (view) => view.entryId };

/** What list() asks the server for: the account's entries before the cursor, each filter given (an index serves each). */
function serverFilter(accountId: string, query: AuditLogQuery): Filter<ViewDocument<AuditFields>> {
  const occurredAt = {
    ...(query.occurredGte === undefined ? {} : { $gte: query.occurredGte }),
    ...(query.occurredLt === undefined ? {} : { $lt: query.occurredLt }),
  };
  return {
    accountId,
    position: { $lt: query.beforePosition ?? Number.MAX_SAFE_INTEGER },
    ...(query.keyId === undefined ? {} : { keyId: query.keyId }),
    ...(query.actorKeyId === undefined ? {} : { actorKeyId: query.actorKeyId }),
    ...(query.type === undefined ? {} : { type: query.type }),
    ...(Object.keys(occurredAt).length === 0 ? {} : { occurredAt }),
  } as Filter<ViewDocument<AuditFields>>;
}

/** Nullable fields may be missing: FerretDB 1.24's $setOnInsert leaves out fields whose value is null. */
function toView(doc: ViewDocument<AuditFields>): AuditEntryView {
  return {
    entryId: doc._id,
    accountId: doc.accountId,
    keyId: doc.keyId,
    type: doc.type,
    actorKeyId: doc.actorKeyId ?? null,
    occurredAt: doc.occurredAt,
    position: doc.position,
    revision: doc.revision,
    event: JSON.parse(doc.event),
  };
}
