import { type DynamicModule, Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Environment } from '../../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { timedEventStore } from '../../shared/event-store/timed-event-store.js';
import { Metrics } from '../../shared/metrics/metrics.port.js';
import { GENERATION_SWITCH, GenerationSwitch } from '../../shared/storage/generation-switch.js';
import { READ_MODEL_STORAGE } from '../../shared/storage/read-model-storage.port.js';
import { openEventStore, openReadModelStorage, type Storage } from './storage.js';
import { EVENT_LOG_DAMAGE_REPORTED, reportedOnce } from './event-log-damage.js';
import { checkLogIdentity } from './log-identity.js';

/** Provides this thread's event store and read-model storage; features open their stores from the latter. */
@Global()
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_STORAGE) private readonly storage: Storage | null,
  ) {}

  /**
   * `readModels: false` for CLI commands that only read the log; `flushedAppendsOnThisThread` for the CLI, which serves
   * no request that its appends' disk flushes would hold up (OpenEventStoreOptions).
   */
  static forRoot(options: { readModels: boolean; flushedAppendsOnThisThread?: boolean } = { readModels: true }): DynamicModule {
    const logger = new Logger('ReadModel');
    const eventLogLogger = new Logger('EventLog');
    return {
      module: StorageModule,
      providers: [
        {
          provide: EVENT_STORE,
          // Appends are timed where the service has metrics (not in the CLI).
          useFactory: async (config: Environment, metrics?: Metrics) => {
            const store = await openEventStore(config, {
              onWarning: (message) => eventLogLogger.warn(message),
              onError: reportedOnce(EVENT_LOG_DAMAGE_REPORTED, (message) => eventLogLogger.error(message)),
              flushedAppendsOnThisThread: options.flushedAppendsOnThisThread,
            });
            return metrics ? timedEventStore(store, metrics) : store;
          },
          inject: [Environment, { token: Metrics, optional: true }],
        },
        {
          // The live generation, followed by the projections service when a rebuild switches it (GenerationSwitch).
          provide: GENERATION_SWITCH,
          useFactory: async (config: Environment, store: EventStore) => {
            if (!options.readModels) return null;
            const open = (generation?: number) =>
              openReadModelStorage(config, { walCheckpoints: true, onWarning: (message) => logger.warn(message), onError: (message) => logger.error(message), generation });
            const storage = await open();
            try {
              // Before any projection (this thread's, the projection thread's, a command's) reads or writes them.
              await checkLogIdentity(store, storage.generations(), config);
            } catch (error) {
              await storage.close();
              throw error;
            }
            return new GenerationSwitch<Storage>(storage, open);
          },
          inject: [Environment, EVENT_STORE],
        },
        {
          provide: READ_MODEL_STORAGE,
          useFactory: (generations: GenerationSwitch<Storage> | null) => generations?.storage ?? null,
          inject: [GENERATION_SWITCH],
        },
      ],
      exports: [EVENT_STORE, READ_MODEL_STORAGE, GENERATION_SWITCH],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.storage?.close();
    await this.store.close();
  }
}
