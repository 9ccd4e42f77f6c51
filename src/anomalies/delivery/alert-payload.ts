import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { ANOMALY_DETECTED, type AnomalyDetectedData, type AnomalyRule } from '../domain/anomaly.js';

/** The body POSTed to the alert webhook, snake_case like the rest of the public API. */
export interface AlertWebhookPayload {
  /** The alert id: stable across re-deliveries, so receivers dedupe on it (also sent as `Idempotency-Key`). */
  id: string;
  type: 'anomaly.detected';
  /** WEBHOOK_SCHEMA_VERSION: the body's shape, which the User-Agent's `/1` alone carried before. */
  schema_version: number;
  created_at: string;
  data: {
    /** One of this version's rules, or a newer version's (same event, same fields: see RULE_NAME). */
    rule: AnomalyRule | (string & {});
    key_id: string | null;
    account_id: string | null;
    ip: string | null;
    evidence: Record<string, unknown>;
    window_start: string;
    window_end: string;
  };
}

export const ALERT_WEBHOOK_EVENT_TYPE = 'anomaly.detected';

/**
 * The body's shape. Raised only for a change a receiver written for this one would misread (a field removed, renamed or
 * changing meaning); new rules, evidence fields and top-level fields are added under the same version.
 */
export const WEBHOOK_SCHEMA_VERSION = 1;

/**
 * A rule's name as any version writes it. A rule this version does not know is a newer version's: its alert is the
 * same event with the same fields, so it is sent and listed as it is. Refused, it stopped the sender of an instance
 * not yet upgraded at the first such alert (the runner retries a batch that throws), and with it every later alert.
 */
const RULE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The webhook body for one AnomalyDetected event. Only the listed fields are copied: nothing else from
 * the event (its metadata, stream, position, request ids) ever leaves the service. Throws on an event
 * that is not a well-formed AnomalyDetected, so a malformed one is never sent half-filled.
 */
export function toWebhookPayload(event: RecordedEvent): AlertWebhookPayload {
  if (event.type !== ANOMALY_DETECTED) throw new Error(`Not an ${ANOMALY_DETECTED} event: ${event.type}`);
  const data = event.data as Partial<AnomalyDetectedData>;
  const problem = invalidField(data);
  if (problem) throw new Error(`Malformed ${ANOMALY_DETECTED} event at position ${event.position}: ${problem}`);
  const d = data as AnomalyDetectedData;
  return {
    id: d.alertId,
    type: ALERT_WEBHOOK_EVENT_TYPE,
    schema_version: WEBHOOK_SCHEMA_VERSION,
    created_at: d.detectedAt,
    data: {
      rule: d.rule,
      key_id: d.keyId,
      account_id: d.accountId,
      ip: d.ip,
      evidence: structuredClone(d.evidence),
      window_start: d.windowStart,
      window_end: d.windowEnd,
    },
  };
}

function invalidField(data: Partial<AnomalyDetectedData>): string | null {
  if (typeof data.alertId !== 'string' || data.alertId.length === 0) return 'alertId';
  if (typeof data.rule !== 'string' || !RULE_NAME.test(data.rule)) return 'rule';
  for (const field of ['keyId', 'accountId', 'ip'] as const) {
    if (data[field] !== null && typeof data[field] !== 'string') return field;
  }
  if (typeof data.evidence !== 'object' || data.evidence === null || Array.isArray(data.evidence)) return 'evidence';
  for (const field of ['windowStart', 'windowEnd', 'detectedAt'] as const) {
    if (typeof data[field] !== 'string') return field;
  }
  return null;
}
