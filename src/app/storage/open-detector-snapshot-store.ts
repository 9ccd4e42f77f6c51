import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DetectorSnapshotStore } from '../../anomalies/detection/detector-snapshot-store.port.js';
import { SqliteDetectorSnapshotStore } from '../../infrastructure/sqlite/sqlite-detector-snapshot-store.js';
import { READ_MODEL_FILE, type ReadModelSettings } from './open-key-usage-read-model.js';

/** Where the anomaly detector keeps its snapshot: beside the read models, on a connection of its own. */
export async function openDetectorSnapshotStore(settings: ReadModelSettings): Promise<DetectorSnapshotStore> {
  if (settings.MONGODB_URL) {
    const { connectMongo } = await import('../../infrastructure/mongodb/mongo-connection.js');
    const { MongoDetectorSnapshotStore } = await import('../../infrastructure/mongodb/mongo-detector-snapshot-store.js');
    const { client, db } = await connectMongo(settings.MONGODB_URL, settings.MONGODB_DB);
    return new MongoDetectorSnapshotStore(client, db);
  }
  mkdirSync(settings.DATA_DIR, { recursive: true });
  return new SqliteDetectorSnapshotStore(join(settings.DATA_DIR, READ_MODEL_FILE));
}
