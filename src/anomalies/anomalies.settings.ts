import type { Environment } from '../shared/config/environment.js';
import { parseAnomalyThresholds } from './detection/parse-anomaly-thresholds.js';

/** The anomalies feature's own check of its settings, run once at start with the rest of the validation. */
export function checkAnomaliesSettings(environment: Environment): void {
  parseAnomalyThresholds(environment.ANOMALY_THRESHOLDS);
}
