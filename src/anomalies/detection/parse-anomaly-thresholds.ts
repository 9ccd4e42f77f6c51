import { InvalidConfigurationError } from '../../shared/config/invalid-configuration.error.js';
import {
  type AnomalyThresholds,
  DEFAULT_ANOMALY_THRESHOLDS,
  DURATION_THRESHOLD_UNIT_MS,
  MAX_THRESHOLD_DURATION_MS,
  WHOLE_NUMBER_THRESHOLDS,
} from '../domain/anomaly-thresholds.js';

/**
 * Overrides of the defaults from JSON, e.g. `{"spikeFactor": 8, "dormantDays": 60}`. Unknown names, values
 * that are not positive numbers, counts that are not whole numbers and durations over 100 years are refused, naming
 * the setting.
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
    // Own names only: `in` would take what every object inherits (constructor, toString) for a threshold.
    if (!Object.hasOwn(DEFAULT_ANOMALY_THRESHOLDS, name)) {
      throw new InvalidConfigurationError(
        `Invalid configuration: ANOMALY_THRESHOLDS may only name ${Object.keys(thresholds).join(', ')}`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new InvalidConfigurationError(`Invalid configuration: ANOMALY_THRESHOLDS: ${name} must be a positive number`);
    }
    if (WHOLE_NUMBER_THRESHOLDS.has(name as keyof AnomalyThresholds) && !Number.isInteger(value)) {
      throw new InvalidConfigurationError(`Invalid configuration: ANOMALY_THRESHOLDS: ${name} must be a whole number of at least 1`);
    }
    const unitMs = DURATION_THRESHOLD_UNIT_MS[name as keyof AnomalyThresholds];
    if (unitMs !== undefined && value * unitMs > MAX_THRESHOLD_DURATION_MS) {
      throw new InvalidConfigurationError(
        `Invalid configuration: ANOMALY_THRESHOLDS: ${name} must be at most 100 years (${MAX_THRESHOLD_DURATION_MS / unitMs})`,
      );
    }
    thresholds[name as keyof AnomalyThresholds] = value;
  }
  return thresholds;
}
