import { join } from 'node:path';
import type { AnomaliesStorage } from '../../anomalies/anomalies.storage.js';
import type { KeysStorage } from '../../keys/keys.storage.js';
import { OpenedStores } from '../../shared/storage/opened-stores.js';
import type { ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import type { UsageStorage } from '../../usage/usage.storage.js';
import { ensureDataDirectory } from './data-directory.js';
import { SqliteAlertReadModel } from './sqlite-alert-read-model.js';
import { SqliteApiKeyReadModel } from './sqlite-api-key-read-model.js';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store.js';
import { SqliteDetectorSnapshotStore } from './sqlite-detector-snapshot-store.js';
import { SqliteKeyUsageReadModel } from './sqlite-key-usage-read-model.js';
import { SqliteReadModelGenerations, viewFileOf } from './sqlite-read-model-generations.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export const READ_MODEL_FILE = 'read-model.sqlite';
const DELIVERIES_FILE = 'deliveries.sqlite';

export interface SqliteReadModelStorageOptions {
  /** Checkpoint the read-model file's WAL off this thread: once per process, on its main thread. */
  walCheckpoints: boolean;
  onWarning(message: string): void;
  /** The generation of views to open: the live one when absent (a rebuild opens the one it fills). */
  generation?: number;
}

const VIEW_TABLES = [SqliteApiKeyReadModel, SqliteKeyUsageReadModel, SqliteAlertReadModel] as const;

/**
 * Every read model in embedded files of DATA_DIR, each store on its own connection: the views of the first
 * generation and the stores that have none in the read-model file, later generations' views in files of their
 * own, delivery positions in a file of their own.
 */
export class SqliteReadModelStorage implements ReadModelStorage, KeysStorage, UsageStorage, AnomaliesStorage {
  private readonly stores = new OpenedStores();
  private readonly file: string;
  private readonly viewFile: string;
  private readonly checkpointer: WalCheckpointer | null;
  private readonly pointer: SqliteReadModelGenerations;
  readonly generation: number;

  constructor(
    private readonly dataDir: string,
    options: SqliteReadModelStorageOptions,
  ) {
    ensureDataDirectory(dataDir);
    this.file = join(dataDir, READ_MODEL_FILE);
    this.pointer = new SqliteReadModelGenerations(dataDir, this.file, () => this.resetFirstGeneration());
    this.generation = options.generation ?? this.pointer.readNow().live;
    this.viewFile = viewFileOf(dataDir, this.file, this.generation);
    const files = [...new Set([this.file, this.viewFile])];
    this.checkpointer = options.walCheckpoints ? new WalCheckpointer(files, options.onWarning) : null;
  }

  generations(): SqliteReadModelGenerations {
    return this.pointer;
  }

  apiKeyReadModel() {
    return this.stores.once('api-keys', () => new SqliteApiKeyReadModel(this.viewFile));
  }

  keyUsageReadModel() {
    return this.stores.once('key-usage', () => new SqliteKeyUsageReadModel(this.viewFile));
  }

  alertReadModel() {
    return this.stores.once('alerts', () => new SqliteAlertReadModel(this.viewFile));
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
    this.pointer.close();
  }

  private async resetFirstGeneration(): Promise<void> {
    for (const Table of VIEW_TABLES) {
      const table = new Table(this.file);
      try {
        await table.reset();
      } finally {
        await table.close();
      }
    }
  }
}
