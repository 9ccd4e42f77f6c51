import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { AnomalyDetectedData, AnomalyRule } from '../domain/anomaly.js';

/** One alert as the alerts view keeps it. */
export interface AlertView {
  alertId: string;
  rule: AnomalyRule;
  keyId: string | null;
  accountId: string | null;
  ip: string | null;
  evidence: Record<string, unknown>;
  windowStart: string;
  windowEnd: string;
  detectedAt: string;
  /** Global position of the AnomalyDetected event: the listing's newest-first order and cursor. */
  position: number;
  revision: number;
}

/** Pure: an alert is written once; seeing its event again changes nothing. */
export function applyToAlertView(view: AlertView | undefined, event: RecordedEvent): AlertView | undefined {
  if (view) return view;
  const data = event.data as unknown as AnomalyDetectedData;
  return {
    alertId: data.alertId,
    rule: data.rule,
    keyId: data.keyId,
    accountId: data.accountId,
    ip: data.ip,
    evidence: data.evidence,
    windowStart: data.windowStart,
    windowEnd: data.windowEnd,
    detectedAt: data.detectedAt,
    position: event.position,
    revision: event.revision,
  };
}
