import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { InMemoryReadModelPlace } from '../../infrastructure/in-memory/in-memory-read-model-generations.js';
import { checkLogIdentity, logIdentityOf, ReadModelsOfAnotherLog, readModelPlace } from './log-identity.js';

const embedded = { DATA_DIR: '/var/lib/psk', MONGODB_URL: undefined, MONGODB_DB: 'parsesphere' };
const mongo = { DATA_DIR: '/unused', MONGODB_URL: 'mongodb://keys:s3cret-password@db1:27017,db2:27017/admin?replicaSet=rs0', MONGODB_DB: 'prod' };

async function logWithKey(id: string): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  await store.appendToStream('usage-x', [{ type: 'KeyUsed', schemaVersion: 1, data: {} }], 'any');
  await store.appendToStream(`apikey-${id}`, [{ id, type: 'KeyCreated', schemaVersion: 2, data: {} }], 'no_stream');
  await store.appendToStream('apikey-later', [{ id: 'later', type: 'KeyCreated', schemaVersion: 2, data: {} }], 'no_stream');
  return store;
}

describe('log identity', () => {
  it('is the id of the first KeyCreated in the log, null while it holds no key', async () => {
    expect(await logIdentityOf(new InMemoryEventStore())).toBeNull();
    expect(await logIdentityOf(await logWithKey('first'))).toBe('first');
  });

  it('records this log’s on read models that have none, goes on with the same, and refuses another’s', async () => {
    const place = new InMemoryReadModelPlace();
    await checkLogIdentity(new InMemoryEventStore(), place, mongo);
    expect(await place.logIdentity()).toBeNull();
    await checkLogIdentity(await logWithKey('production'), place, mongo);
    expect(await place.logIdentity()).toBe('production');
    await checkLogIdentity(await logWithKey('production'), place, mongo);
    const refusal = await checkLogIdentity(await logWithKey('staging'), place, mongo).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ReadModelsOfAnotherLog);
    expect((refusal as Error).message).toBe(
      "The read models in MONGODB_DB prod at db1:27017,db2:27017 follow another event log (first KeyCreated production; this log's: staging): " +
        'each event log needs its own MONGODB_DB; to reuse this database for this log, drop it first',
    );
    await expect(checkLogIdentity(new InMemoryEventStore(), place, mongo)).rejects.toThrow("this log's: none, it holds no key");
    expect(await place.logIdentity()).toBe('production');
  });

  it('names the place without a URL’s user or password', () => {
    expect(readModelPlace(mongo)).toBe('MONGODB_DB prod at db1:27017,db2:27017');
    expect(readModelPlace(mongo)).not.toContain('s3cret');
    expect(readModelPlace(embedded)).toBe('read-model file /var/lib/psk/read-model.sqlite');
  });
});
