import { EsdbEventStore } from '../../src/infrastructure/eventstoredb/esdb-event-store.js';
import { eventStoreContract, type EventStoreFixture } from './event-store.contract.js';

// e.g. EVENTSTORE_URL='esdb://localhost:2113?tls=false' after `docker compose up -d eventstore`
const url = process.env.EVENTSTORE_URL;

/** Stream ids are unique per test, so every fixture shares the one server. */
async function openEsdbFixture(esdbUrl: string): Promise<EventStoreFixture> {
  const store = new EsdbEventStore(esdbUrl);
  return {
    store,
    openSecondHandle: () => new EsdbEventStore(esdbUrl),
    multiStreamTransactions: false,
    cleanup: () => store.close(),
  };
}

if (url) {
  eventStoreContract('eventstoredb', () => openEsdbFixture(url));
} else {
  const reason = 'EventStoreDB contract skipped: EVENTSTORE_URL is not set (no EventStoreDB server on this machine)';
  process.stdout.write(`${reason}\n`);
  describe.skip(reason, () => eventStoreContract('eventstoredb', () => Promise.reject(new Error(reason))));
}
