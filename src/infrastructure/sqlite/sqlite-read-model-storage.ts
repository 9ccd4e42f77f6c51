import { join } from 'node:path';
import type { AnomaliesStorage } from '../../anomalies/anomalies.storage.js';
import type { KeysStorage } from '../../keys/keys.storage.js';
import { OpenedStores } from '../../shared/storage/opened-stores.js';
import type { ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import type { UsageStorage } from '../../usage/usage.storage.js';
import { isCorruptDatabase } from './sqlite-error-codes.js';
import { ensureDataDirectory } from './data-directory.js';
import { openReadModelDatabase } from './read-model-database.js';
import { setReadModelFilesAside } from './read-model-files.js';
import { ReadModelDamage, settleDamageMark } from './read-model-damage.js';
import { SqliteAlertReadModel } from './sqlite-alert-read-model.js';
import { SqliteApiKeyReadModel } from './sqlite-api-key-read-model.js';
import { SqliteAuditLogReadModel } from './sqlite-audit-log-read-model.js';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store.js';
import { SqliteDetectorSnapshotStore } from './sqlite-detector-snapshot-store.js';
import { SqliteKeyUsageReadModel } from './sqlite-key-usage-read-model.js';
import { SqliteReadModelGenerations, viewFileOf } from './sqlite-read-model-generations.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export const READ_MODEL_FILE = 'read-model.sqlite';
/** The alert webhook's position: no generation, not rebuilt by a replay (the CLI's `backup` copies it). */
export const DELIVERIES_FILE = 'deliveries.sqlite';

export interface SqliteReadModelStorageOptions {
  /** Checkpoint the read-model file's WAL off this thread: once per process, on its main thread. */
  walCheckpoints: boolean;
  onWarning(message: string): void;
  /** Told once, as an error, of a read-model file SQLite finds damaged while it runs (ReadModelDamage); onWarning when absent. */
  onError?(message: string): void;
  /** The generation of views to open: the live one when absent (a rebuild opens the one it fills). */
  generation?: number;
}

const VIEW_TABLES = [SqliteApiKeyReadModel, SqliteKeyUsageReadModel, SqliteAlertReadModel, SqliteAuditLogReadModel] as const;

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
  private readonly damage: ReadModelDamage;
  readonly generation: number;

  constructor(
    private readonly dataDir: string,
    options: SqliteReadModelStorageOptions,
  ) {
    ensureDataDirectory(dataDir);
    this.file = join(dataDir, READ_MODEL_FILE);
    this.damage = new ReadModelDamage(dataDir, options.onError ?? options.onWarning);
    // Only at the first opening of a process (the service's start, the CLI): the projection thread, a rebuild and a
    // move to another generation open files that this process's other connections hold.
    if (options.generation === undefined) settleDamageMark(dataDir, options.onWarning);
    this.pointer = this.damage.watch(this.file, () => this.openGenerations(options));
    this.generation = options.generation ?? this.pointer.readNow().live;
    this.viewFile = viewFileOf(dataDir, this.file, this.generation);
    this.damage.opened(this.file);
    this.damage.opened(this.viewFile);
    const files = [...new Set([this.file, this.viewFile])];
    this.checkpointer = options.walCheckpoints ? new WalCheckpointer(files, options.onWarning) : null;
  }

  generations(): SqliteReadModelGenerations {
    return this.pointer;
  }

  apiKeyReadModel() {
    return this.stores.once('api-keys', () => this.damage.watch(this.viewFile, () => new SqliteApiKeyReadModel(this.viewFile)));
  }

  auditLogReadModel() {
    return this.stores.once('audit-log', () => this.damage.watch(this.viewFile, () => new SqliteAuditLogReadModel(this.viewFile)));
  }

  keyUsageReadModel() {
    return this.stores.once('key-usage', () => this.damage.watch(this.viewFile, () => new SqliteKeyUsageReadModel(this.viewFile)));
  }

  alertReadModel() {
    return this.stores.once('alerts', () => this.damage.watch(this.viewFile, () => new SqliteAlertReadModel(this.viewFile)));
  }

  detectorSnapshotStore() {
    return this.stores.once('detector-snapshot', () =>
      this.damage.watch(this.file, () => new SqliteDetectorSnapshotStore(this.file, (read) => this.damage.guarded(this.file, read))),
    );
  }

  deliveryCheckpointStore() {
    return this.stores.once('deliveries', () => new SqliteCheckpointStore(join(this.dataDir, DELIVERIES_FILE)));
  }

  /** Fails while a read-model file of this storage is known damaged (ReadModelDamage), whatever the ping reads. */
  async ping(): Promise<void> {
    this.damage.check();
    await (await this.apiKeyReadModel()).ping();
  }

  async close(): Promise<void> {
    await this.checkpointer?.close();
    await this.stores.closeAll();
    this.pointer.close();
  }

  /**
   * The generation pointer, once read-model.sqlite and the view file of the generation to open have opened. They are
   * rebuilt from the log: when SQLite finds one damaged (not a database, malformed), every read-model file is set
   * aside and new ones are made, which the projections fill from the start of the log. The log is never touched.
   */
  private openGenerations(options: SqliteReadModelStorageOptions): SqliteReadModelGenerations {
    let file = this.file;
    let pointer: SqliteReadModelGenerations | null = null;
    try {
      pointer = new SqliteReadModelGenerations(this.dataDir, this.file, () => this.resetFirstGeneration());
      file = viewFileOf(this.dataDir, this.file, options.generation ?? pointer.readNow().live);
      if (file !== this.file) openReadModelDatabase(file).close();
      return pointer;
    } catch (error) {
      pointer?.close();
      if (!isCorruptDatabase(error)) throw error;
      const moved = setReadModelFilesAside(this.dataDir);
      options.onWarning(
        `Read-model file ${file} is corrupt (${(error as Error).message}): the read-model files were renamed aside ` +
          `(${moved.join(', ')}) and the read models are rebuilt from the event log`,
      );
      return new SqliteReadModelGenerations(this.dataDir, this.file, () => this.resetFirstGeneration());
    }
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
