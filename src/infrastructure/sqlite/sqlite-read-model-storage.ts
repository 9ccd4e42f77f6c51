import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AnomaliesStorage } from '../../anomalies/anomalies.storage.js';
import type { KeysStorage } from '../../keys/keys.storage.js';
import { OpenedStores } from '../../shared/storage/opened-stores.js';
import type { ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import type { UsageStorage } from '../../usage/usage.storage.js';
import { SqliteAlertReadModel } from './sqlite-alert-read-model.js';
import { SqliteApiKeyReadModel } from './sqlite-api-key-read-model.js';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store.js';
import { SqliteDetectorSnapshotStore } from './sqlite-detector-snapshot-store.js';
import { SqliteKeyUsageReadModel } from './sqlite-key-usage-read-model.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export const READ_MODEL_FILE = 'read-model.sqlite';
const DELIVERIES_FILE = 'deliveries.sqlite';

export interface SqliteReadModelStorageOptions {
  /** Checkpoint the read-model file's WAL off this thread: once per process, on its main thread. */
  walCheckpoints: boolean;
  onWarning(message: string): void;
}

/** Every read model in one embedded file of DATA_DIR (delivery positions in a file of their own), each store on its own connection. */
export class SqliteReadModelStorage implements ReadModelStorage, KeysStorage, UsageStorage, AnomaliesStorage {
  private readonly stores = new OpenedStores();
  private readonly file: string;
  private readonly checkpointer: WalCheckpointer | null;

  constructor(
    private readonly dataDir: string,
    options: SqliteReadModelStorageOptions,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, READ_MODEL_FILE);
    this.checkpointer = options.walCheckpoints ? new WalCheckpointer([this.file], options.onWarning) : null;
  }

  apiKeyReadModel() {
    return this.stores.once('api-keys', () => new SqliteApiKeyReadModel(this.file));
  }

  keyUsageReadModel() {
    return this.stores.once('key-usage', () => new SqliteKeyUsageReadModel(this.file));
  }

  alertReadModel() {
    return this.stores.once('alerts', () => new SqliteAlertReadModel(this.file));
  }

  detectorSnapshotStore() {
    return this.stores.once('detector-snapshot', () => new SqliteDetectorSnapshotStore(this.file));
  }

  deliveryCheckpointStore() {
    return this.stores.once('deliveries', () => new SqliteCheckpointStore(join(this.dataDir, DELIVERIES_FILE)));
  }

  async ping(): Promise<void> {
    await (await this.apiKeyReadModel()).ping();
  }

  async close(): Promise<void> {
    await this.checkpointer?.close();
    await this.stores.closeAll();
  }
}
