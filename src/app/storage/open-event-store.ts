import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../infrastructure/sqlite/sqlite-event-store.js';
import type { Environment } from '../../shared/config/environment.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';

export type EventStoreSettings = Pick<Environment, 'EVENTSTORE_URL' | 'DATA_DIR' | 'POLL_INTERVAL_MS'>;

/** The configured event store: EventStoreDB when EVENTSTORE_URL is set, else the embedded SQLite log. */
export async function openEventStore(settings: EventStoreSettings): Promise<EventStore> {
  if (settings.EVENTSTORE_URL) {
    // Loaded only when configured: the gRPC client is heavy.
    const { EsdbEventStore } = await import('../../infrastructure/eventstoredb/esdb-event-store.js');
    return new EsdbEventStore(settings.EVENTSTORE_URL);
  }
  mkdirSync(settings.DATA_DIR, { recursive: true });
  return new SqliteEventStore(join(settings.DATA_DIR, 'events.sqlite'), { pollIntervalMs: settings.POLL_INTERVAL_MS });
}
