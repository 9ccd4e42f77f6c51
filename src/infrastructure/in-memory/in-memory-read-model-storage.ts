import type { AnomaliesStorage } from '../../anomalies/anomalies.storage.js';
import type { KeysStorage } from '../../keys/keys.storage.js';
import { OpenedStores } from '../../shared/storage/opened-stores.js';
import type { ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import type { UsageStorage } from '../../usage/usage.storage.js';
import { InMemoryAlertReadModel } from './in-memory-alert-read-model.js';
import { InMemoryApiKeyReadModel } from './in-memory-api-key-read-model.js';
import { InMemoryCheckpointStore } from './in-memory-checkpoint-store.js';
import { InMemoryDetectorSnapshotStore } from './in-memory-detector-snapshot-store.js';
import { InMemoryKeyUsageReadModel } from './in-memory-key-usage-read-model.js';

/** For tests: every read model in this process's memory, lost with it. */
export class InMemoryReadModelStorage implements ReadModelStorage, KeysStorage, UsageStorage, AnomaliesStorage {
  private readonly stores = new OpenedStores();

  apiKeyReadModel() {
    return this.stores.once('api-keys', () => new InMemoryApiKeyReadModel());
  }

  keyUsageReadModel() {
    return this.stores.once('key-usage', () => new InMemoryKeyUsageReadModel());
  }

  alertReadModel() {
    return this.stores.once('alerts', () => new InMemoryAlertReadModel());
  }

  detectorSnapshotStore() {
    return this.stores.once('detector-snapshot', () => new InMemoryDetectorSnapshotStore());
  }

  deliveryCheckpointStore() {
    return this.stores.once('deliveries', () => new InMemoryCheckpointStore());
  }

  async ping(): Promise<void> {}

  close(): Promise<void> {
    return this.stores.closeAll();
  }
}
