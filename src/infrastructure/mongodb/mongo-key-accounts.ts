import { type Collection, type Db, MongoBulkWriteError } from 'mongodb';
import { isDuplicateKey } from './duplicate-key.js';
import { collectionOf } from './mongo-read-model-generations.js';

/** The collection of the accounts that have (had) a key view, one document each, `_id` the account id. */
export const KEY_ACCOUNTS = 'api_key_accounts';
/**
 * The document that says every account of the views is recorded (none before it was filled once): an `_id` no
 * account id can be (1-64 letters, digits, _ or -).
 */
const ALL_RECORDED = ' every account recorded';
/** Accounts remembered as recorded, not written again: past it the memory starts over. */
const REMEMBERED = 100_000;
/** Views read per batch of the one-off fill, as the key table's load reads them (LOAD_BATCH). */
const FILL_BATCH = 500;

interface AccountDocument {
  _id: string;
}

/**
 * The accounts of the key views, so "did this account ever hold a key" is one lookup by `_id`, which FerretDB 1.24
 * answers from its primary key: a filter on the views' accountId decodes every view when none matches (2.0-2.2 s at
 * 30,000 views, measured before this existed, for each `create-key` of a new account). Written before the views
 * (an account recorded is one the log gave a key: truthful even if the views' write then fails), idempotently.
 */
export class MongoKeyAccounts {
  private readonly accounts: Collection<AccountDocument>;
  private readonly remembered = new Set<string>();

  constructor(db: Db, generation: number) {
    this.accounts = db.collection<AccountDocument>(collectionOf(KEY_ACCOUNTS, generation));
  }

  /** Records the accounts not recorded yet, in one unordered insert (those already there are refused, and kept). */
  async record(accountIds: Iterable<string>): Promise<void> {
    const fresh = [...new Set(accountIds)].filter((id) => !this.remembered.has(id));
    if (fresh.length === 0) return;
    try {
      await this.accounts.insertMany(
        fresh.map((_id) => ({ _id })),
        { ordered: false },
      );
    } catch (error) {
      if (!onlyDuplicates(error)) throw error;
    }
    if (this.remembered.size + fresh.length > REMEMBERED) this.remembered.clear();
    for (const id of fresh) this.remembered.add(id);
  }

  /**
   * Whether the account holds (or held) a key view. A database the accounts were never filled in (written by an
   * earlier version) is filled once from the views, one pass, here: what the lookup replaced cost about as much.
   */
  async holds<V extends { accountId: string }>(accountId: string, views: Collection<V>): Promise<boolean> {
    if ((await this.accounts.findOne({ _id: accountId })) !== null) return true;
    if ((await this.accounts.findOne({ _id: ALL_RECORDED })) !== null) return false;
    await this.fillFrom(views);
    return (await this.accounts.findOne({ _id: accountId })) !== null;
  }

  /** A database with no view yet: every account to come is recorded by the views' writes, nothing to fill. */
  async markFilledIfNoViews<V extends { accountId: string }>(views: Collection<V>): Promise<void> {
    if ((await views.findOne({}, { projection: { _id: 1 } })) === null) await this.markFilled();
  }

  private async fillFrom<V extends { accountId: string }>(views: Collection<V>): Promise<void> {
    const found = new Set<string>();
    for await (const doc of views.find({}, { projection: { accountId: 1 }, batchSize: FILL_BATCH })) found.add(doc.accountId);
    await this.record(found);
    await this.markFilled();
  }

  private async markFilled(): Promise<void> {
    await this.record([ALL_RECORDED]);
  }

  /**
   * Empties the views (`emptyViews`: to be filled again from the log) and the accounts, which may no longer hold: the
   * accounts first, with the document that says they are all recorded, so a stop in between leaves them to be filled
   * from what the views hold; then, with no view left, that document again.
   */
  async reset(emptyViews: () => Promise<void>): Promise<void> {
    this.remembered.clear();
    await this.accounts.deleteMany({});
    await emptyViews();
    await this.markFilled();
  }
}

/** An unordered insert refused only for documents already there. */
function onlyDuplicates(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) {
    const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return errors.length > 0 && errors.every((writeError) => writeError.code === 11000);
  }
  return isDuplicateKey(error);
}
