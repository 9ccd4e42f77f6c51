import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type AppConfigService, setting } from '../../shared/config/app-config.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { type EventStoreSettings, openEventStore } from './open-event-store.js';

export function eventStoreSettings(config: AppConfigService): EventStoreSettings {
  return {
    EVENTSTORE_URL: setting(config, 'EVENTSTORE_URL'),
    DATA_DIR: setting(config, 'DATA_DIR'),
    POLL_INTERVAL_MS: setting(config, 'POLL_INTERVAL_MS'),
  };
}

/** Provides the configured event store: EventStoreDB when EVENTSTORE_URL is set, else the embedded SQLite log. */
@Global()
@Module({
  providers: [{ provide: EVENT_STORE, useFactory: (config: AppConfigService) => openEventStore(eventStoreSettings(config)), inject: [ConfigService] }],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
