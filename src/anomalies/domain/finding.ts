import { createHash } from 'node:crypto';
import type { AnomalyDetectedData, AnomalyRule } from './anomaly.js';

/** Same rule, subject and window → same id, so a finding raised twice is one alert downstream. */
export function alertId(rule: AnomalyRule, subject: string, window: string): string {
  return createHash('sha256').update(`${rule}|${subject}|${window}`).digest('hex').slice(0, 32);
}

export const iso = (ms: number): string => new Date(ms).toISOString();

export interface FindingInput {
  rule: AnomalyRule;
  keyId: string | null;
  accountId: string | null;
  ip: string | null;
  evidence: Record<string, unknown>;
  windowStartMs: number;
  windowEndMs: number;
  detectedAtMs: number;
  /** What makes the finding unique besides rule and subject; the window start unless the rule says otherwise. */
  idWindow?: string;
}

export function finding(input: FindingInput): AnomalyDetectedData {
  const windowStart = iso(input.windowStartMs);
  const subject = input.keyId ?? input.ip ?? '';
  return {
    alertId: alertId(input.rule, subject, input.idWindow ?? windowStart),
    rule: input.rule,
    keyId: input.keyId,
    accountId: input.accountId,
    ip: input.ip,
    evidence: input.evidence,
    windowStart,
    windowEnd: iso(input.windowEndMs),
    detectedAt: iso(input.detectedAtMs),
  };
}
