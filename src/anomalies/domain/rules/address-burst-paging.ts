import type { AnomalyDetectedData } from '../anomaly.js';
import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import type { AddressBurstHour, DetectorState } from '../detector-state.js';
import { finding, iso } from '../finding.js';
import { HOUR_MS } from './key-use.js';
import { mostBurstsFirst } from './most-bursts-first.js';

/**
 * The networks a summary names, most bursts first, of those with a burst not alerted on its own (an alerted network's
 * alert named it already): enough to act on, small enough to read on a pager.
 */
const SUMMARY_NETWORKS = 10;
/**
 * Past the hour's cap, a network is alerted all the same once its bursts reach this many times those of the loudest
 * network alerted in the hour: each such alert at least doubles the bar, so an hour has at most log2 of its loudest
 * network's bursts of them (15 for 20,000 bursts, 400,000 failures).
 */
export const LOUDER_FACTOR = 2;

/**
 * Whether a completed burst of an address (failedAuthBurstFromAddress) is alerted on its own, counting it into the
 * UTC hour of event time either way. One address holder has many of them (a /48 holds 65,536 /64s, a cloud many /24s):
 * each burst its own alert made 30 alerts, and 30 pages, from 30 /64s of one /48 in a minute. Now, as Alertmanager
 * groups by label and PagerDuty by time window: the first burst of a wide network (IPv4 /24, IPv6 /48, `wide`) in
 * an hour is alerted, the others of that network that hour are only counted; and no more than
 * failedAuthBurstAlertsPerHour are alerted in an hour in all, but for a network past the cap far louder than every
 * one alerted (LOUDER_FACTOR): cheap decoys, one burst each, fill the cap, and a network that goes on searching is
 * still alerted. What was counted and not alerted is said in one summary when the hour ends (addressBurstHourClosed).
 * Returns null for a burst not alerted, else the evidence it adds to the burst's (none under the cap).
 */
export function pagedAddressBurst(state: DetectorState, wide: string, atMs: number, t: AnomalyThresholds): Record<string, unknown> | null {
  const hour = currentHour(state, atMs);
  let network = hour.networks.get(wide);
  if (network === undefined) hour.networks.set(wide, (network = { bursts: 0, alerted: false }));
  network.bursts += 1;
  if (network.alerted) {
    hour.loudestAlerted = Math.max(hour.loudestAlerted, network.bursts);
    return null;
  }
  const underCap = hour.alerts < t.failedAuthBurstAlertsPerHour;
  if (!underCap && network.bursts < LOUDER_FACTOR * hour.loudestAlerted) return null;
  const louder = underCap ? {} : { pastHourCap: true, networkBursts: network.bursts, loudestAlerted: hour.loudestAlerted };
  network.alerted = true;
  hour.alerts += 1;
  hour.loudestAlerted = Math.max(hour.loudestAlerted, network.bursts);
  return louder;
}

/**
 * The summary of the hour that event time has just left, when it counted bursts it did not alert; the hour is
 * forgotten either way. Raised by the first event after the hour, or earlier by the clock (addressBurstHourPassed),
 * with an id from the hour alone and its end as the time it was detected: the same alert whichever raised it, and
 * a replay finds the same one.
 */
export function addressBurstHourClosed(state: DetectorState, latestMs: number): AnomalyDetectedData | null {
  const hour = state.burstHour;
  if (hour === null || Math.floor(latestMs / HOUR_MS) <= hour.hour) return null;
  state.burstHour = null;
  let bursts = 0;
  for (const network of hour.networks.values()) bursts += network.bursts;
  const unalerted = bursts - hour.alerts;
  if (unalerted === 0) return null;
  const networks = [...hour.networks]
    .filter(([, network]) => network.bursts > (network.alerted ? 1 : 0))
    .sort(mostBurstsFirst)
    .slice(0, SUMMARY_NETWORKS)
    .map(([network, { bursts: count }]) => ({ network, bursts: count }));
  const startMs = hour.hour * HOUR_MS;
  return finding({
    rule: 'failed_auth_burst',
    keyId: null,
    accountId: null,
    ip: null,
    evidence: { summary: true, bursts, alerted: hour.alerts, unalerted, networkCount: hour.networks.size, networks },
    windowStartMs: startMs,
    windowEndMs: startMs + HOUR_MS,
    detectedAtMs: startMs + HOUR_MS,
    idWindow: `summary|${iso(startMs)}`,
  });
}

/**
 * How long after its hour's end the clock waits before it closes an hour no event has closed: failures are logged
 * in batches (USAGE_FLUSH_INTERVAL_MS, 100 ms, and retries of a failed flush), so one of the hour may still come.
 */
export const BURST_HOUR_GRACE_MS = 60_000;

/**
 * The hour's summary by the clock (`nowMs`, not an event's time), for a log read to its end with no event after the
 * hour: on a quiet system the next event may be hours away. Closed BURST_HOUR_GRACE_MS after its end, as the next
 * event would close it (addressBurstHourClosed, same id and content), and the next hour opened in its place: a
 * failure logged later still, with a time in the closed hour, counts in the open one, as one logged after the next
 * event does (judged there, where its network may not have been alerted yet), and raises no second summary. An hour with no burst waits for the
 * next event (nothing to say).
 */
export function addressBurstHourPassed(state: DetectorState, nowMs: number): AnomalyDetectedData | null {
  const hour = state.burstHour;
  if (hour === null || !addressBurstHourDue(state, nowMs)) return null;
  const endMs = (hour.hour + 1) * HOUR_MS;
  const summary = addressBurstHourClosed(state, endMs);
  state.burstHour = { hour: hour.hour + 1, alerts: 0, loudestAlerted: 0, networks: new Map() };
  return summary;
}

/** Whether addressBurstHourPassed would close the open hour at `nowMs`. */
export function addressBurstHourDue(state: DetectorState, nowMs: number): boolean {
  const hour = state.burstHour;
  return hour !== null && hour.networks.size > 0 && nowMs >= (hour.hour + 1) * HOUR_MS + BURST_HOUR_GRACE_MS;
}

/** The hour a burst counts in: the latest event's, so a failure logged late counts in the hour still open. */
function currentHour(state: DetectorState, atMs: number): AddressBurstHour {
  if (state.burstHour === null) {
    state.burstHour = { hour: Math.floor(Math.max(atMs, state.latestMs ?? atMs) / HOUR_MS), alerts: 0, loudestAlerted: 0, networks: new Map() };
  }
  return state.burstHour;
}
