import type { DetectorSnapshotStore } from '../../anomalies/detection/detector-snapshot-store.port.js';
import { SqliteDetectorSnapshotStore } from '../../infrastructure/sqlite/sqlite-detector-snapshot-store.js';
import { openInReadModelStorage, type ReadModelSettings } from './read-model-storage.js';

/** Where the anomaly detector keeps its snapshot: beside the read models, on a connection of its own. */
export function openDetectorSnapshotStore(settings: ReadModelSettings): Promise<DetectorSnapshotStore> {
  return openInReadModelStorage<DetectorSnapshotStore>(settings, {
    mongodb: async (client, db) => {
      const { MongoDetectorSnapshotStore } = await import('../../infrastructure/mongodb/mongo-detector-snapshot-store.js');
      return new MongoDetectorSnapshotStore(client, db);
    },
    sqlite: (file) => new SqliteDetectorSnapshotStore(file),
  });
}
