import type { AnomalyThresholds } from '../../src/anomalies/domain/anomaly-thresholds.js';
import { detectorSnapshotParts } from '../../src/anomalies/domain/detector-snapshot.js';
import type { DetectorState } from '../../src/anomalies/domain/detector-state.js';

/**
 * The state as the builds before snapshot version 8 saved it: one whole text of version 7, its fields in their order
 * (`version`, `thresholds`, `latestMs`, `ipsSweptAtMs`, `keys`, `ips`, `burstHour`, `expiries`), each entry as
 * version 8 writes it, without what version 8 added (the hour's loudestAlerted, burstNetworks, keysAlertedAfterBurst)
 * nor what version 9 added (the hour of expired keys' bursts).
 * For specs of upgrades; the service never writes it.
 */
export function wholeSnapshotText(state: DetectorState, thresholds: AnomalyThresholds): string {
  const [header, ...sections] = [...detectorSnapshotParts(state, thresholds)].map((part) => JSON.parse(part) as Record<string, unknown>);
  const burstHour = header.burstHour as { hour: number; alerts: number; loudestAlerted: number } | null;
  const whole = {
    version: 7,
    thresholds: header.thresholds,
    latestMs: header.latestMs,
    ipsSweptAtMs: header.ipsSweptAtMs,
    keys: [] as unknown[],
    ips: [] as unknown[],
    burstHour: burstHour && { hour: burstHour.hour, alerts: burstHour.alerts, networks: [] as unknown[] },
    expiries: [] as unknown[],
  };
  for (const section of sections) {
    for (const [name, entries] of Object.entries(section) as [string, unknown[]][]) {
      if (name === 'burstNetworks' || name === 'keysAlertedAfterBurst' || name === 'expiredKeyBursts') continue;
      const into = name === 'hourNetworks' ? whole.burstHour!.networks : (whole[name as 'keys' | 'ips' | 'expiries'] as unknown[]);
      into.push(...entries);
    }
  }
  return JSON.stringify(whole);
}
