import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { MongoApiKeyReadModel } from '../../src/infrastructure/mongodb/mongodb-api-key-read-model.js';
import { describeWithFerretDb, startFerretDb, type FerretDbInstance } from '../support/ferretdb.js';
import { makeView } from '../support/api-key-view.js';

const FAIL_FAST_MS = 3000;

/** Settles within `ms`: to the call's outcome, or to 'still pending'. */
async function outcomeWithin<T>(call: Promise<T>, ms: number): Promise<'resolved' | 'rejected' | 'still pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'still pending'>((resolve) => (timer = setTimeout(() => resolve('still pending'), ms)));
  const settled = call.then(
    () => 'resolved' as const,
    () => 'rejected' as const,
  );
  try {
    return await Promise.race([settled, pending]);
  } finally {
    clearTimeout(timer);
  }
}

function outageSuite(): void {
  let ferret: FerretDbInstance;
  let readModel: MongoApiKeyReadModel;

  beforeAll(async () => {
    ferret = await startFerretDb();
    const { client, db } = await connectMongo(ferret.url, 'outage');
    readModel = await MongoApiKeyReadModel.open(client, db, 0);
  });
  afterAll(async () => {
    await readModel?.close();
    await ferret?.dispose();
  });

  it('fails fast while down, connecting included, and recovers on the same client once back', async () => {
    const view = makeView();
    await readModel.save([view], 1);
    expect(await readModel.findById(view.accountId, view.id)).toEqual(view);

    await ferret.stop();
    expect(await outcomeWithin(readModel.findById(view.accountId, view.id), FAIL_FAST_MS)).toBe('rejected');
    await expect(readModel.ping()).rejects.toThrow();
    expect(await outcomeWithin(connectMongo(ferret.url, 'outage'), FAIL_FAST_MS)).toBe('rejected');

    await ferret.restart();
    expect(await readModel.findById(view.accountId, view.id)).toEqual(view);
    const revoked = { ...view, status: 'revoked' as const, revokedAt: '2026-01-02T00:00:00.000Z', revision: 1 };
    await readModel.save([revoked], 2);
    expect(await readModel.findById(view.accountId, view.id)).toEqual(revoked);
    expect(await readModel.getCheckpoint()).toBe(2);
  });
}

describeWithFerretDb('MongoDB outage test', 'MongoApiKeyReadModel while FerretDB goes down and comes back', outageSuite);
