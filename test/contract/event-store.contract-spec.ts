import { join } from 'node:path';
import { InMemoryEventStore } from '../../src/infrastructure/in-memory/in-memory-event-store.js';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { makeTempDir } from '../support/temp-dir.js';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract('in-memory', async () => {
  const store = new InMemoryEventStore();
  return { store, multiStreamTransactions: true, cleanup: () => store.close() };
});

eventStoreContract('sqlite', async () => {
  const dir = makeTempDir('es');
  const file = join(dir.path, 'events.sqlite');
  const store = new SqliteEventStore(file, { pollIntervalMs: 50 });
  return {
    store,
    openSecondHandle: () => new SqliteEventStore(file),
    multiStreamTransactions: true,
    cleanup: async () => {
      await store.close();
      dir.remove();
    },
  };
});
