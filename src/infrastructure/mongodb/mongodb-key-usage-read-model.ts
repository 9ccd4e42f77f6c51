import type { Db, MongoClient } from 'mongodb';
import type { KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageSummary, KeyUsageSummaryEntry, KeyUsageView } from '../../usage/projection/key-usage-view.js';
import { cursorBatches } from './cursor-batches.js';
import { lookupsInStep } from './lookups-in-step.js';
import { unlessUnreachable } from './mongo-unavailable.js';
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

  /**
   * By _id, for the reason getMany gives (FerretDB 1.24 scans for `$in`); only four fields read. Up to SUMMARY_CONCURRENCY
   * at a time, as many as the server answers within a fifth of the socket timeout (lookupsInStep): FerretDB 1.24 scans the
   * collection for each, and a page's 21 at once failed the CLI's `list` at 100,000 views.
   */
  async summaries(ids: readonly string[]): Promise<Map<string, KeyUsageSummary>> {
    return unlessUnreachable(async () => {
      const found = new Map<string, KeyUsageSummary>();
      const lookup = (id: string) => this.views.findOne({ _id: id }, { projection: SUMMARY_FIELDS });
      const docs = await lookupsInStep(ids, lookup, { max: SUMMARY_CONCURRENCY, targetMs: this.roundTripTargetMs });
      for (const doc of docs) if (doc) found.set(doc._id, { accepted: doc.accepted, rateLimited: doc.rateLimited, refused: doc.refused ?? 0, lastUsedAt: doc.lastUsedAt });
      return found;
    });
  }

  /** One pass over the collection with no filter and no sort: FerretDB 1.24 would scan it again for each page of a `_id` range. */
  allSummaries(): AsyncIterable<KeyUsageSummaryEntry[]> {
    const cursor = this.views.find({}, { projection: { ...SUMMARY_FIELDS, revision: 1 }, batchSize: SUMMARY_BATCH });
    return cursorBatches(cursor, SUMMARY_BATCH, (doc) => ({
      keyId: doc._id,
      accepted: doc.accepted,
      rateLimited: doc.rateLimited,
      refused: doc.refused ?? 0,
      lastUsedAt: doc.lastUsedAt,
      revision: doc.revision,
    }));
  }
}

const SUMMARY_CONCURRENCY = 32;
/**
 * Summaries per batch of the load, a fifth of the 5 s socket timeout as the key views' load (MongoApiKeyReadModel's
 * LOAD_BATCH): one batch past the timeout fails the whole load, retried from the start. FerretDB 1.24 (SQLite
 * backend, 100,000 usage views, load average 10 on 2 cores) answered its slowest batch of 5,000 in 2.6 s, of 500 in 0.47 s.
 */
const SUMMARY_BATCH = 500;
const SUMMARY_FIELDS = { accepted: 1, rateLimited: 1, refused: 1, lastUsedAt: 1 } as const;

/**
 * Nullable fields may be missing: FerretDB 1.24's $setOnInsert leaves out fields whose value is null. `refused`
 * is missing from a view written before it existed, when no use was recorded refused; `countedFrom`, `countedBeforeGap` and
 * `archive` from one written before uses could be archived (it counts every use of its stream).
 */
function toView(doc: ViewDocument<KeyUsageFields>): KeyUsageView {
  return {
    keyId: doc._id,
    accountId: doc.accountId,
    accepted: doc.accepted,
    rateLimited: doc.rateLimited,
    refused: doc.refused ?? 0,
    firstUsedAt: doc.firstUsedAt,
    lastUsedAt: doc.lastUsedAt,
    lastIp: doc.lastIp ?? null,
    lastUserAgent: doc.lastUserAgent ?? null,
    hourly: doc.hourly,
    revision: doc.revision,
    countedFrom: doc.countedFrom ?? 0,
    countedBeforeGap: doc.countedBeforeGap ?? null,
    archive: doc.archive ?? null,
  };
}
