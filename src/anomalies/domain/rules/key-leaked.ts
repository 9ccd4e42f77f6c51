import type { KeyLeakReported } from '../../../keys/domain/api-key-events.js';
import type { AnomalyDetectedData } from '../anomaly.js';
import { finding } from '../finding.js';

/**
 * key_leaked: a scanner reported the key's secret found in public. Its owner learns of it as of any alert (the
 * alerts listing, the webhook). One alert per report recorded: the key's decider records each place once (a retry
 * appends nothing), so the id is the report's time and place, both from the event: a replay or a restart raises the
 * same ids. Two places in one request share the time, not the place.
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
    idWindow: `report|${report.reportedAt}|${sourceUrl ?? ''}`,
  });
}
