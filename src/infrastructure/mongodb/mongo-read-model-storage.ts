import type { Db, MongoClient } from 'mongodb';
import type { AnomaliesStorage } from '../../anomalies/anomalies.storage.js';
import type { KeysStorage } from '../../keys/keys.storage.js';
import { OpenedStores } from '../../shared/storage/opened-stores.js';
import type { ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import type { UsageStorage } from '../../usage/usage.storage.js';
import { MongoCheckpointStore } from './mongo-checkpoint-store.js';
import { openOnMongo } from './mongo-connection.js';
import { MongoDetectorSnapshotStore } from './mongo-detector-snapshot-store.js';
import { createMissingCollections } from './mongo-collections.js';
import { collectionsOfGeneration, MongoReadModelGenerations } from './mongo-read-model-generations.js';
import { MongoAlertReadModel } from './mongodb-alert-read-model.js';
import { MongoAuditLogReadModel } from './mongodb-audit-log-read-model.js';
import { MongoApiKeyReadModel } from './mongodb-api-key-read-model.js';
import { MongoKeyUsageReadModel } from './mongodb-key-usage-read-model.js';

/** Every read model in one MongoDB database (views by generation), all stores on one client, which close() closes last. */
export class MongoReadModelStorage implements ReadModelStorage, KeysStorage, UsageStorage, AnomaliesStorage {
  private readonly stores = new OpenedStores();

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly pointer: MongoReadModelGenerations,
    readonly generation: number,
  ) {}

  /**
   * Connects and checks the server once, so a wrong URL or a server that is down shows at start, opens the
   * live generation of views unless told which, and creates every collection it will write.
   */
  static async connect(url: string, dbName: string, generation?: number): Promise<MongoReadModelStorage> {
    return openOnMongo(url, dbName, async ({ client, db }) => {
      const pointer = new MongoReadModelGenerations(db);
      const opened = generation ?? (await pointer.read()).live;
      await createMissingCollections(db, [
        ...collectionsOfGeneration(opened),
        ...MongoReadModelGenerations.COLLECTIONS,
        ...MongoDetectorSnapshotStore.COLLECTIONS,
        ...MongoCheckpointStore.COLLECTIONS,
      ]);
      return new MongoReadModelStorage(client, db, pointer, opened);
    });
  }

  generations(): MongoReadModelGenerations {
    return this.pointer;
  }

  apiKeyReadModel() {
    return this.stores.once('api-keys', () => MongoApiKeyReadModel.open(this.client, this.db, this.generation));
  }

  auditLogReadModel() {
    return this.stores.once('audit-log', () => MongoAuditLogReadModel.open(this.client, this.db, this.generation));
  }

  keyUsageReadModel() {
    return this.stores.once('key-usage', () => new MongoKeyUsageReadModel(this.client, this.db, this.generation));
  }

  alertReadModel() {
    return this.stores.once('alerts', () => MongoAlertReadModel.open(this.client, this.db, this.generation));
  }

  detectorSnapshotStore() {
    return this.stores.once('detector-snapshot', () => new MongoDetectorSnapshotStore(this.client, this.db));
  }

  deliveryCheckpointStore() {
    return this.stores.once('deliveries', () => new MongoCheckpointStore(this.client, this.db));
  }

  async ping(): Promise<void> {
    await (await this.apiKeyReadModel()).ping();
  }

  async close(): Promise<void> {
    await this.stores.closeAll();
    await this.client.close();
  }
}
