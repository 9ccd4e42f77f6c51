import type { Db, MongoClient } from 'mongodb';
import type { AuditEntryView } from '../../keys/projection/audit-entry.js';
import type { AuditLogQuery, AuditLogReadModel } from '../../keys/projection/audit-log-read-model.port.js';
import { unlessUnreachable } from './mongo-unavailable.js';
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
    // docs/benchmarks.md, session 55). One index per call: FerretDB 1.24 panics when one createIndexes call repeats
    // two existing indexes.
    await readModel.views.createIndex({ accountId: 1, position: -1 }, { name: 'account_newest_first' });
    await readModel.views.createIndex({ accountId: 1, keyId: 1, position: -1 }, { name: 'account_key_newest_first' });
    await readModel.views.createIndex({ accountId: 1, actorKeyId: 1, position: -1 }, { name: 'account_actor_newest_first' });
    await readModel.views.createIndex({ accountId: 1, type: 1, position: -1 }, { name: 'account_type_newest_first' });
    return readModel;
  }

  async list(accountId: string, query: AuditLogQuery): Promise<{ views: AuditEntryView[]; hasMore: boolean }> {
    return unlessUnreachable(async () => {
      const occurredAt = {
        ...(query.occurredGte === undefined ? {} : { $gte: query.occurredGte }),
        ...(query.occurredLt === undefined ? {} : { $lt: query.occurredLt }),
      };
      const filter = {
        accountId,
        position: { $lt: query.beforePosition ?? Number.MAX_SAFE_INTEGER },
        ...(query.keyId === undefined ? {} : { keyId: query.keyId }),
        ...(query.actorKeyId === undefined ? {} : { actorKeyId: query.actorKeyId }),
        ...(query.type === undefined ? {} : { type: query.type }),
        ...(Object.keys(occurredAt).length === 0 ? {} : { occurredAt }),
      };
      const docs = await this.views.find(filter).sort({ position: -1 }).limit(query.limit + 1).toArray();
      return { views: docs.slice(0, query.limit).map(toView), hasMore: docs.length > query.limit };
    });
  }

  async findById(accountId: string, entryId: string): Promise<AuditEntryView | null> {
    return unlessUnreachable(async () => {
      // By _id alone, which FerretDB answers from its primary key; the account is checked here.
      const found = await this.findView(entryId);
      return found?.accountId === accountId ? toView(found) : null;
    });
  }
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
