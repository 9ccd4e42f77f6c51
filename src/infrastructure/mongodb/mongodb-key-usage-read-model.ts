import type { Db, MongoClient } from 'mongodb';
import type { KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageView } from '../../usage/projection/key-usage-view.js';
import { MongoViewStore, type ViewDocument } from './mongo-view-store.js';

type KeyUsageFields = Omit<KeyUsageView, 'keyId'>;

/** Usage views in MongoDB, beside the key views, with the same idempotent writes. */
export class MongoKeyUsageReadModel extends MongoViewStore<KeyUsageView, KeyUsageFields> implements KeyUsageReadModel {
  constructor(client: MongoClient, db: Db, generation: number) {
    super(
      client,
      db,
      {
        collection: 'key_usage',
        projection: 'key-usage',
        toDocument: ({ keyId, ...fields }) => ({ _id: keyId, ...fields }),
        fromDocument: toView,
      },
      generation,
    );
  }
}

/** Nullable fields may be missing: FerretDB 1.24's $setOnInsert leaves out fields whose value is null. */
function toView(doc: ViewDocument<KeyUsageFields>): KeyUsageView {
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
