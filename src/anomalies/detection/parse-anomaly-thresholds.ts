import { InvalidConfigurationError } from '../../shared/config/invalid-configuration.error.js';
import { type AnomalyThresholds, DEFAULT_ANOMALY_THRESHOLDS } from '../domain/anomaly-thresholds.js';

/**
 * Overrides of the defaults from JSON, e.g. `{"spikeFactor": 8, "dormantDays": 60}`. Unknown names and
 * values that are not positive numbers are refused, naming the setting.
 */
export function parseAnomalyThresholds(json: string | undefined): AnomalyThresholds {
  if (!json) return { ...DEFAULT_ANOMALY_THRESHOLDS };
  let overrides: unknown;
  try {
    overrides = JSON.parse(json);
  } catch {
    throw new InvalidConfigurationError('Invalid configuration: ANOMALY_THRESHOLDS must be a JSON object');
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new InvalidConfigurationError('Invalid configuration: ANOMALY_THRESHOLDS must be a JSON object');
  }
  const thresholds: AnomalyThresholds = { ...DEFAULT_ANOMALY_THRESHOLDS };
  for (const [name, value] of Object.entries(overrides)) {
    // The unknown name is not repeated: the setting's text is not echoed anywhere.
    if (!(name in thresholds)) {
      throw new InvalidConfigurationError(
        `Invalid configuration: ANOMALY_THRESHOLDS may only name ${Object.keys(thresholds).join(', ')}`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new InvalidConfigurationError(`Invalid configuration: ANOMALY_THRESHOLDS: ${name} must be a positive number`);
    }
    thresholds[name as keyof AnomalyThresholds] = value;
  }
  return thresholds;
}
