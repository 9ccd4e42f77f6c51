import type { CheckpointStore } from './delivery/checkpoint-store.port.js';
import type { DetectorSnapshotStore } from './detection/detector-snapshot-store.port.js';
import type { AlertReadModel } from './projection/alert-read-model.port.js';

/** The stores the anomalies feature needs from the read-model storage. */
export interface AnomaliesStorage {
  alertReadModel(): Promise<AlertReadModel>;
  detectorSnapshotStore(): Promise<DetectorSnapshotStore>;
  /** Positions of alert delivery: kept apart from the read models, so a rebuild never re-sends an alert. */
  deliveryCheckpointStore(): Promise<CheckpointStore>;
}
