import type { Environment } from '../../shared/config/environment.js';
import { openEventStore, reachReadModelServer } from '../storage/storage.js';

/** One store the service cannot start without, checked as the service reaches it. */
export interface StoreProbe {
  /** As in /health/ready: `event_store` or `read_model`. */
  readonly name: string;
  readonly technology: string;
  check(): Promise<void>;
}

/**
 * The stores behind a network connection: EventStoreDB and MongoDB when configured. The embedded SQLite files
 * are not probed: they are opened, not reached, and a failure there (a directory that cannot be written) is the
 * operator's to fix, reported at once rather than retried.
 */
export function networkStoreProbes(environment: Environment): StoreProbe[] {
  const probes: StoreProbe[] = [];
  if (environment.EVENTSTORE_URL) {
    probes.push({
      name: 'event_store',
      technology: 'EventStoreDB',
      check: async () => {
        const store = await openEventStore(environment, { logReaders: 'checked' });
        try {
          await store.ping();
        } finally {
          await store.close().catch(() => undefined);
        }
      },
    });
  }
  if (environment.MONGODB_URL) {
    probes.push({
      name: 'read_model',
      technology: 'MongoDB',
      // Connecting selects the server; the service opens its stores (and creates their indexes) once.
      check: () => reachReadModelServer(environment),
    });
  }
  return probes;
}
