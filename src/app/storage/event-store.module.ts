import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SqliteEventStore } from '../../infrastructure/sqlite/sqlite-event-store.js';
import { type AppConfigService, setting } from '../../shared/config/app-config.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';

async function openEventStore(config: AppConfigService): Promise<EventStore> {
  const url = setting(config, 'EVENTSTORE_URL');
  if (url) {
    // Loaded only when configured: the gRPC client is heavy.
    const { EsdbEventStore } = await import('../../infrastructure/eventstoredb/esdb-event-store.js');
    return new EsdbEventStore(url);
  }
  const dataDir = setting(config, 'DATA_DIR');
  mkdirSync(dataDir, { recursive: true });
  return new SqliteEventStore(join(dataDir, 'events.sqlite'), { pollIntervalMs: setting(config, 'POLL_INTERVAL_MS') });
}

/** Provides the configured event store: EventStoreDB when EVENTSTORE_URL is set, else the embedded SQLite log. */
@Global()
@Module({
  providers: [{ provide: EVENT_STORE, useFactory: openEventStore, inject: [ConfigService] }],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
