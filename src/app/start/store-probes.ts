import type { Environment } from '../../shared/config/environment.js';
import { openEventStore, openReadModelStorage } from '../storage/storage.js';

/** One store the service cannot start without, checked the way the service will use it. */
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
        const store = await openEventStore(environment);
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
      check: async () => {
        // Connecting reads the generation pointer too, as the service will.
        const storage = await openReadModelStorage(environment, { walCheckpoints: false, onWarning: () => undefined });
        try {
          await storage.ping();
        } finally {
          await storage.close().catch(() => undefined);
        }
      },
    });
  }
  return probes;
}
