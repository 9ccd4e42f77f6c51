/**
 * The EventStoreDB adapter under failures a real server cannot be made to show on demand, against the
 * failure-injection stand-in (test/support/fake-esdb-server.cjs, NOT a server: the contract suite runs only
 * with EVENTSTORE_URL). FAKE_ESDB_PORT picks its two ports (that one and the next); free ones otherwise.
 */
import { EsdbEventStore } from '../../src/infrastructure/eventstoredb/esdb-event-store.js';
import { StoreUnavailableError } from '../../src/shared/storage/store-unavailable.error.js';
import { startFakeEsdb, type FakeEsdb } from '../support/fake-esdb.js';
import { builtModuleUrl, runModuleProcess } from '../support/module-process.js';
import { freePort } from '../support/service-process.js';

const READ_TIMEOUT_MS = 500;

/** How long `promise` took to settle, or 'pending' after `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  const outcome = await Promise.race([promise.then(() => 'settled' as const, () => 'settled' as const), pending]);
  clearTimeout(timer);
  return outcome;
}

describe('EsdbEventStore under injected failures (a stand-in, not a server)', () => {
  let fake: FakeEsdb;
  let store: EsdbEventStore;

  beforeAll(async () => {
    const base = process.env.FAKE_ESDB_PORT ? Number(process.env.FAKE_ESDB_PORT) : null;
    fake = await startFakeEsdb(base ?? (await freePort()), base === null ? await freePort() : base + 1);
  });
  afterAll(async () => fake.stop());

  beforeEach(() => {
    store = new EsdbEventStore(fake.url, { readTimeoutMs: READ_TIMEOUT_MS, pingTimeoutMs: READ_TIMEOUT_MS });
  });
  afterEach(async () => {
    await fake.control('/stuck?on=0');
    await settlesWithin(store.close(), 5000);
  });

  const append = (stream: string, count: number) =>
    store.appendToStream(stream, Array.from({ length: count }, (_, n) => ({ type: 'Counted', schemaVersion: 1, data: { n } })), 'any');

  it('fails every read with StoreUnavailableError (503) when the server keeps the connection but never answers', async () => {
    await append('stuck-1', 1);
    await fake.control('/stuck?on=1');
    const started = Date.now();
    const reads = [
      store.readStream('stuck-1'),
      store.readAll({ after: null, maxCount: 10 }),
      store.backlog({ after: null, maxCount: 10, types: ['Counted'] }),
      store.headPosition(),
      store.ping(),
    ];
    for (const read of reads) await expect(read).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(READ_TIMEOUT_MS * 6);
    await fake.control('/stuck?on=0');
    await expect(store.readStream('stuck-1')).resolves.toHaveLength(1);
    expect(await settlesWithin(store.close(), 3000)).toBe('settled');
  });

  // In a process of its own: under jest the client's dispose() does not recognise the gRPC calls as its own
  // (the module registry differs), destroys them instead of cancelling them, and never shows the hang.
  it.each([1, 2, 3, 10, 50])('closes after a read of $all that stopped early with %i events left unread at the end of the log', async (left) => {
    await append(`early-${left}`, left + 2);
    const log = await fake.control<{ p: number }[]>('/log');
    const after = log[log.length - 1 - left].p;
    const out = await runModuleProcess(`
      const { EsdbEventStore } = await import(${JSON.stringify(builtModuleUrl('infrastructure/eventstoredb/esdb-event-store.js'))});
      const store = new EsdbEventStore(${JSON.stringify(fake.url)});
      const read = await store.readAll({ after: ${after}, maxCount: 1 });
      const timer = setTimeout(() => { console.log('read ' + read.length + ', close pending'); process.exit(0); }, 3000);
      await store.close();
      clearTimeout(timer);
      console.log('read ' + read.length + ', closed');
    `);
    expect(out.trim()).toBe('read 1, closed');
  });
});
