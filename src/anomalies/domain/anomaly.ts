/** The rules the anomaly detector applies; the strings are stored in AnomalyDetected events. */
export const ANOMALY_RULES = [
  'rate_spike',
  'many_addresses',
  'new_network',
  'revoked_key_used',
  'dormant_key_active',
  'failed_auth_burst',
  'key_expiring',
  'key_leaked',
  'key_used_after_burst',
] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];

export const ANOMALY_DETECTED = 'AnomalyDetected';

/** One finding. `alertId` is derived from the rule and its window, so detecting it again yields the same id. */
export interface AnomalyDetectedData {
  alertId: string;
  rule: AnomalyRule;
  keyId: string | null;
  accountId: string | null;
  /** The client address concerned, where the rule is about one. */
  ip: string | null;
  /** What the rule saw: counts, baselines, addresses, thresholds. Never key material. */
  evidence: Record<string, unknown>;
  windowStart: string;
  windowEnd: string;
  /** Time of the event that completed the finding (not the clock). */
  detectedAt: string;
}

export interface AnomalyDetected {
  type: typeof ANOMALY_DETECTED;
  schemaVersion: 1;
  data: AnomalyDetectedData;
}

/** One stream per alert: appending with expected revision "no stream" makes detection exactly-once. */
export const ANOMALY_STREAM_PREFIX = 'anomaly-';
export const anomalyStreamId = (alertId: string): string => `${ANOMALY_STREAM_PREFIX}${alertId}`;
