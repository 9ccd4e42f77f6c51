import type { AnomaliesStorage } from '../../anomalies/anomalies.storage.js';
import type { KeysStorage } from '../../keys/keys.storage.js';
import { OpenedStores } from '../../shared/storage/opened-stores.js';
import type { ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import type { UsageStorage } from '../../usage/usage.storage.js';
import { type InMemoryGenerationViews, InMemoryReadModelPlace } from './in-memory-read-model-generations.js';

/** For tests: every read model in this process's memory, lost with it; storages given one place share it. */
export class InMemoryReadModelStorage implements ReadModelStorage, KeysStorage, UsageStorage, AnomaliesStorage {
  private readonly stores = new OpenedStores();
  readonly generation: number;
  private readonly views: InMemoryGenerationViews;

  constructor(
    private readonly place = new InMemoryReadModelPlace(),
    generation?: number,
  ) {
    // Without one, the first generation: the live one of a new place (openLive() for a place in use).
    this.generation = generation ?? 0;
    this.views = place.viewsOf(this.generation);
  }

  /** Opens the place's live generation, as the other technologies do when not told which. */
  static async openLive(place: InMemoryReadModelPlace): Promise<InMemoryReadModelStorage> {
    return new InMemoryReadModelStorage(place, (await place.read()).live);
  }

  generations(): InMemoryReadModelPlace {
    return this.place;
  }

  apiKeyReadModel() {
    return this.stores.once('api-keys', () => this.views.apiKeys);
  }

  auditLogReadModel() {
    return this.stores.once('audit-log', () => this.views.auditLog);
  }

  keyUsageReadModel() {
    return this.stores.once('key-usage', () => this.views.keyUsage);
  }

  alertReadModel() {
    return this.stores.once('alerts', () => this.views.alerts);
  }

  detectorSnapshotStore() {
    return this.stores.once('detector-snapshot', () => this.place.detectorSnapshot);
  }

  deliveryCheckpointStore() {
    return this.stores.once('deliveries', () => this.place.deliveries);
  }

  async ping(): Promise<void> {}

  close(): Promise<void> {
    return this.stores.closeAll();
  }
}
