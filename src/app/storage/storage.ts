import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AnomaliesStorage } from '../../anomalies/anomalies.storage.js';
import { ensureDataDirectory } from '../../infrastructure/sqlite/data-directory.js';
import { backUpEventLog as backUpEventLogFile, type EventLogBackup } from '../../infrastructure/sqlite/event-log-backup.js';
import { copyDatabaseOnline } from '../../infrastructure/sqlite/online-copy.js';
import { SqliteEventStore } from '../../infrastructure/sqlite/sqlite-event-store.js';
import { DELIVERIES_FILE, SqliteReadModelStorage } from '../../infrastructure/sqlite/sqlite-read-model-storage.js';
import { SqliteServiceHeartbeats } from '../../infrastructure/sqlite/sqlite-service-heartbeats.js';
import type { KeysStorage } from '../../keys/keys.storage.js';
import type { Environment } from '../../shared/config/environment.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import type { ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import type { ServiceHeartbeats } from '../../shared/storage/service-heartbeats.port.js';
import type { UsageStorage } from '../../usage/usage.storage.js';
import { CHECKSUM_SUFFIX, writeBackupChecksum } from './backup-checksum.js';

/** The read-model storage every feature's stores come from: each technology implements every feature's storage interface. */
export type Storage = ReadModelStorage & KeysStorage & UsageStorage & AnomaliesStorage;

export type EventStoreSettings = Pick<Environment, 'EVENTSTORE_URL' | 'DATA_DIR' | 'POLL_INTERVAL_MS'>;
export type ReadModelSettings = Pick<Environment, 'MONGODB_URL' | 'MONGODB_DB' | 'DATA_DIR'>;

export interface OpenEventStoreOptions {
  onWarning?(message: string): void;
  /** Told once, as an error, of damage SQLite finds in the embedded log under its readers (the projections). */
  onError?(message: string): void;
  /**
   * 'checked': this process has checked the mark against downgrades already (the projection thread, beside the request
   * thread that opened the store first), or only reaches the store (the start's probe, which retries what fails). The
   * embedded log checks it at every open all the same: it is part of opening the file.
   */
  logReaders?: 'checked';
  /** The embedded log: see SqliteEventStoreOptions.flushedAppendsOnThisThread (the CLI). */
  flushedAppendsOnThisThread?: boolean;
}

/**
 * The configured event store, on a connection of the caller's own: EventStoreDB when EVENTSTORE_URL is
 * set, else the embedded SQLite log. The request thread, the projection thread and the CLI all open it here.
 */
export async function openEventStore(settings: EventStoreSettings, options: OpenEventStoreOptions = {}): Promise<EventStore> {
  if (settings.EVENTSTORE_URL) {
    // Loaded only when configured: the gRPC client is heavy.
    const { EsdbEventStore } = await import('../../infrastructure/eventstoredb/esdb-event-store.js');
    return options.logReaders === 'checked' ? new EsdbEventStore(settings.EVENTSTORE_URL) : EsdbEventStore.open(settings.EVENTSTORE_URL);
  }
  ensureDataDirectory(settings.DATA_DIR);
  return new SqliteEventStore(embeddedEventLogFile(settings)!, {
    pollIntervalMs: settings.POLL_INTERVAL_MS,
    onWarning: options.onWarning,
    onError: options.onError,
    flushedAppendsOnThisThread: options.flushedAppendsOnThisThread,
  });
}

/**
 * Copies the embedded log, online, into a new file (the CLI's `backup`), and the webhook's position
 * (deliveries.sqlite), when there is one, beside it as `<destination>.deliveries.sqlite`: first, so that a restore
 * sends again what was delivered meanwhile rather than skip it; then `<destination>.sha256` (backup-checksum.ts) listing
 * both. EventStoreDB has backups of its own.
 */
export async function backUpEventLog(
  settings: EventStoreSettings,
  destination: string,
  interrupted?: () => Error | null,
): Promise<EventLogBackup & { deliveries: string | null; checksum: string; sha256: string }> {
  const file = embeddedEventLogFile(settings);
  if (file === null) throw new Error('backup copies the embedded log (DATA_DIR): with EVENTSTORE_URL, back up EventStoreDB with its own tools');
  const checksum = `${destination}${CHECKSUM_SUFFIX}`;
  if (existsSync(checksum)) throw new Error(`${checksum} exists: back up into a new file`);
  const deliveries = join(settings.DATA_DIR, DELIVERIES_FILE);
  const deliveriesCopy = existsSync(deliveries) ? `${destination}.${DELIVERIES_FILE}` : null;
  if (deliveriesCopy) await copyDatabaseOnline(deliveries, deliveriesCopy, interrupted);
  let copied = false;
  try {
    const backup = await backUpEventLogFile(file, destination, interrupted);
    copied = true;
    // Beside the copies, once they are named: a byte changed later inside a value (still JSON) is caught by restore.
    const [sha256] = writeBackupChecksum(destination, deliveriesCopy ? [destination, deliveriesCopy] : [destination]);
    return { ...backup, deliveries: deliveriesCopy, checksum, sha256 };
  } catch (error) {
    // Half a backup would be mistaken for one.
    if (copied) rmSync(destination, { force: true });
    if (deliveriesCopy) rmSync(deliveriesCopy, { force: true });
    throw error;
  }
}

/** The embedded log's file, which opening the event store creates when missing; null with EVENTSTORE_URL. */
export function embeddedEventLogFile(settings: EventStoreSettings): string | null {
  return settings.EVENTSTORE_URL ? null : join(settings.DATA_DIR, 'events.sqlite');
}

/**
 * The configured read-model storage, on a connection of the caller's own: MongoDB when MONGODB_URL is set,
 * else the embedded files in DATA_DIR. The one place that answers "MongoDB or SQLite?". It opens the live
 * generation of the views unless `generation` says otherwise (a rebuild, or the projection thread following
 * the request thread's).
 */
export async function openReadModelStorage(
  settings: ReadModelSettings,
  options: { walCheckpoints: boolean; onWarning(message: string): void; onError?(message: string): void; generation?: number },
): Promise<Storage> {
  const url = settings.MONGODB_URL;
  if (url) {
    // Loaded only when configured, like the driver it brings.
    const { MongoReadModelStorage } = await import('../../infrastructure/mongodb/mongo-read-model-storage.js');
    return reachingMongo(() => MongoReadModelStorage.connect(url, settings.MONGODB_DB, options.generation));
  }
  return new SqliteReadModelStorage(settings.DATA_DIR, options);
}

/**
 * A connection to MongoDB that fails because the server is unavailable says so and names the store ("MongoDB is
 * unavailable: connect ECONNREFUSED …"): the CLI's one line was the driver's bare "connect ECONNREFUSED 127.0.0.1:1".
 */
async function reachingMongo<T>(connect: () => Promise<T>): Promise<T> {
  const { unlessUnreachable } = await import('../../infrastructure/mongodb/mongo-unavailable.js');
  return unlessUnreachable(connect);
}

/**
 * Resolves once the configured MongoDB server answers (connect and server selection), opening nothing on it:
 * what the start waits for (app/start). Nothing to reach for the embedded files.
 */
export async function reachReadModelServer(settings: ReadModelSettings): Promise<void> {
  if (!settings.MONGODB_URL) return;
  const { connectMongo } = await import('../../infrastructure/mongodb/mongo-connection.js');
  const { client } = await connectMongo(settings.MONGODB_URL, settings.MONGODB_DB);
  await client.close();
}

/**
 * Where running services leave their heartbeats, beside the configured read-model storage: a collection of the
 * MongoDB database when MONGODB_URL is set, else a file of its own in DATA_DIR (one found damaged is set aside for
 * a new one, and `onWarning` told).
 */
export async function openServiceHeartbeats(settings: ReadModelSettings, options: { onWarning(message: string): void }): Promise<ServiceHeartbeats> {
  const url = settings.MONGODB_URL;
  if (url) {
    const { MongoServiceHeartbeats } = await import('../../infrastructure/mongodb/mongo-service-heartbeats.js');
    return reachingMongo(() => MongoServiceHeartbeats.connect(url, settings.MONGODB_DB));
  }
  ensureDataDirectory(settings.DATA_DIR);
  return new SqliteServiceHeartbeats(join(settings.DATA_DIR, 'service-heartbeats.sqlite'), options);
}
