import type { AnomalyRule } from './anomaly.js';

/**
 * An alert was moved out of the log into an archive file (the operator's `archive-usage`, with the uses it was drawn
 * from). Appended to the alert's stream before its AnomalyDetected is removed: the alert views drop the alert when they
 * fold it (a replay or a rebuild too), and the stream still exists, so the detector cannot raise the same alert again
 * (it appends with expected revision "no stream"). No address, user agent, evidence, key or account: only what says
 * which alert it was and where it went.
 */
export const ALERT_ARCHIVED = 'AlertArchived';

export interface AlertArchivedData {
  alertId: string;
  rule: AnomalyRule;
  windowStart: string;
  windowEnd: string;
  detectedAt: string;
  archivedAt: string;
  /** Alerts logged before this instant were archived. */
  before: string;
  /** The archive file's name (without its directory) and its SHA-256, hex. */
  file: string;
  fileSha256: string;
}

export interface AlertArchived {
  type: typeof ALERT_ARCHIVED;
  schemaVersion: 1;
  data: AlertArchivedData;
}
