import type { KeyLeakReported } from '../../../keys/domain/api-key-events.js';
import type { AnomalyDetectedData } from '../anomaly.js';
import { finding } from '../finding.js';

/**
 * key_leaked: a scanner reported the key's secret found in public. Its owner learns of it as of any alert (the
 * alerts listing, the webhook). One alert per key: its id does not depend on the time, and the key's decider
 * records a report once anyway.
 */
export function keyLeaked(report: KeyLeakReported['data'], atMs: number): AnomalyDetectedData {
  const { keyId, accountId, scanner, tokenType, sourceUrl, source, action } = report;
  return finding({
    rule: 'key_leaked',
    keyId,
    accountId,
    ip: null,
    // The report as recorded: its URL already redacted, never the token.
    evidence: { scanner, tokenType, sourceUrl, source, action },
    windowStartMs: atMs,
    windowEndMs: atMs,
    detectedAtMs: atMs,
    idWindow: 'report',
  });
}
