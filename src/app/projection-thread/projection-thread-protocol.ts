import type { AnomalyThresholds } from '../../anomalies/domain/anomaly-thresholds.js';
import type { ProjectionStatus } from '../../shared/projections/projection-runner.js';
import type { EventStoreSettings } from '../storage/open-event-store.js';
import type { ReadModelSettings } from '../storage/read-model-storage.js';

export interface ProjectionThreadData {
  store: EventStoreSettings;
  readModel: ReadModelSettings;
  thresholds: AnomalyThresholds;
}

export type ProjectionThreadMessage =
  | { kind: 'status'; statuses: ProjectionStatus[] }
  | { kind: 'log'; level: 'warn' | 'error'; message: string };
