import type { Db, MongoClient } from 'mongodb';
import type { AlertListQuery, AlertReadModel } from '../../anomalies/projection/alert-read-model.port.js';
import type { AlertView } from '../../anomalies/projection/alert-view.js';
import { unlessUnreachable } from './mongo-unavailable.js';
import { MongoViewStore, type ViewDocument } from './mongo-view-store.js';

type AlertFields = Omit<AlertView, 'alertId'>;

/** The alerts view in MongoDB. */
export class MongoAlertReadModel extends MongoViewStore<AlertView, AlertFields> implements AlertReadModel {
  private constructor(client: MongoClient, db: Db, generation: number) {
    super(
      client,
      db,
      {
        collection: 'alerts',
        projection: 'alerts',
        toDocument: ({ alertId, ...fields }) => ({ _id: alertId, ...fields }),
        fromDocument: toView,
      },
      generation,
    );
  }

  static async open(client: MongoClient, db: Db, generation: number): Promise<MongoAlertReadModel> {
    const readModel = new MongoAlertReadModel(client, db, generation);
    // One per listing filter, as in the embedded store (alert-listing-statements.ts): with the account index alone, a
    // page filtered by a key or rule walks the account's alerts newest first until it is full, all of them for a key
    // with none. One index per call: FerretDB 1.24 panics when one createIndexes call repeats two existing indexes.
    await readModel.views.createIndex({ accountId: 1, position: -1 }, { name: 'account_newest_first' });
    await readModel.views.createIndex({ accountId: 1, keyId: 1, position: -1 }, { name: 'account_key_newest_first' });
    await readModel.views.createIndex({ accountId: 1, rule: 1, position: -1 }, { name: 'account_rule_newest_first' });
    return readModel;
  }

  async list(accountId: string, query: AlertListQuery): Promise<{ views: AlertView[]; hasMore: boolean }> {
    return unlessUnreachable(async () => {
      const filter = {
        accountId,
        position: { $lt: query.beforePosition ?? Number.MAX_SAFE_INTEGER },
        ...(query.keyId === undefined ? {} : { keyId: query.keyId }),
        ...(query.rule === undefined ? {} : { rule: query.rule }),
      };
      const docs = await this.views.find(filter).sort({ position: -1 }).limit(query.limit + 1).toArray();
      return { views: docs.slice(0, query.limit).map(toView), hasMore: docs.length > query.limit };
    });
  }

  async findById(accountId: string, alertId: string): Promise<AlertView | null> {
    return unlessUnreachable(async () => {
      // By _id alone, which FerretDB answers from its primary key; the account is checked here.
      const found = await this.findView(alertId);
      const doc = found?.accountId === accountId ? found : null;
      return doc ? toView(doc) : null;
    });
  }
}

/** Nullable fields may be missing: FerretDB 1.24's $setOnInsert leaves out fields whose value is null. */
function toView(doc: ViewDocument<AlertFields>): AlertView {
  return {
    alertId: doc._id,
    rule: doc.rule,
    keyId: doc.keyId ?? null,
    accountId: doc.accountId ?? null,
    ip: doc.ip ?? null,
    evidence: doc.evidence,
    windowStart: doc.windowStart,
    windowEnd: doc.windowEnd,
    detectedAt: doc.detectedAt,
    position: doc.position,
    revision: doc.revision,
  };
}
