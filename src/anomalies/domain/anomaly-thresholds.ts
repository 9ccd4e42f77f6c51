/** What each anomaly rule counts as unusual. Windows slide with the events' own times, never the clock. */
export interface AnomalyThresholds {
  /** rate_spike: requests in one UTC minute that always count as a spike candidate, whatever the baseline. */
  spikeMinRequests: number;
  /** rate_spike: a minute is a spike when its requests reach this many times the key's mean per-minute rate. */
  spikeFactor: number;
  /** rate_spike: the baseline is the mean over at most this many minutes before the current one. */
  spikeBaselineMinutes: number;
  /** rate_spike: no spike is judged until the key has this many minutes of history (idle minutes count). */
  spikeMinBaselineMinutes: number;
  /** many_addresses: this many distinct client addresses for one key inside the window raise a finding. */
  manyAddressesCount: number;
  /** many_addresses: the sliding window, in seconds. */
  manyAddressesWindowSeconds: number;
  /** new_network: a key has an established pattern after at least this many uses, from any networks... */
  establishedMinRequests: number;
  /** new_network: ...spread over at least this many hours since its first use. */
  establishedMinHours: number;
  /** new_network: networks (IPv4 /24, IPv6 /48) remembered per key; a key seen from this many has no pattern left. */
  maxKnownNetworks: number;
  /** dormant_key_active: a use at least this many days after the previous use (or after creation, if never used). */
  dormantDays: number;
  /**
   * failed_auth_burst: this many refused uses of one recognised key for one reason, or failed authentications
   * naming no known key from one client address, inside the window.
   */
  failedAuthBurstCount: number;
  /** failed_auth_burst: the sliding window, in seconds. */
  failedAuthBurstWindowSeconds: number;
  /**
   * failed_auth_burst of addresses: at most this many alerted on their own in one UTC hour (one per IPv4 /24 or IPv6
   * /48); the rest are counted in one summary when the hour ends.
   */
  failedAuthBurstAlertsPerHour: number;
  /** key_expiring: a served use this many hours or less before the key's own expires_at raises a warning. */
  expiryWarningHours: number;
}

/**
 * Thresholds that count something (requests, addresses, networks, failures, whole minutes of the per-minute
 * baseline), and the expiry warning, in whole hours as the warnings of token services are: whole numbers. The
 * others are factors, seconds, hours or days, and may have a fraction.
 */
export const WHOLE_NUMBER_THRESHOLDS: ReadonlySet<keyof AnomalyThresholds> = new Set([
  'spikeMinRequests',
  'spikeBaselineMinutes',
  'spikeMinBaselineMinutes',
  'manyAddressesCount',
  'establishedMinRequests',
  'maxKnownNetworks',
  'failedAuthBurstCount',
  'failedAuthBurstAlertsPerHour',
  'expiryWarningHours',
]);

export const DEFAULT_ANOMALY_THRESHOLDS: Readonly<AnomalyThresholds> = Object.freeze({
  spikeMinRequests: 60,
  spikeFactor: 5,
  spikeBaselineMinutes: 60,
  spikeMinBaselineMinutes: 10,
  manyAddressesCount: 10,
  manyAddressesWindowSeconds: 300,
  establishedMinRequests: 100,
  establishedMinHours: 24,
  maxKnownNetworks: 1000,
  dormantDays: 30,
  failedAuthBurstCount: 20,
  failedAuthBurstWindowSeconds: 60,
  failedAuthBurstAlertsPerHour: 10,
  expiryWarningHours: 168,
});

/**
 * The thresholds that are durations, by the milliseconds of their unit. Each is at most 100 years
 * (MAX_THRESHOLD_DURATION_MS, the longest `expires_in_seconds` too): a window reaching further back than a date can
 * hold (`failedAuthBurstWindowSeconds: 1e13` was taken until 2026-12-06) made every finding of its rule throw, and the
 * detector drop it after one error line.
 */
export const DURATION_THRESHOLD_UNIT_MS: Readonly<Partial<Record<keyof AnomalyThresholds, number>>> = Object.freeze({
  spikeBaselineMinutes: 60_000,
  spikeMinBaselineMinutes: 60_000,
  manyAddressesWindowSeconds: 1000,
  establishedMinHours: 3_600_000,
  dormantDays: 86_400_000,
  failedAuthBurstWindowSeconds: 1000,
  expiryWarningHours: 3_600_000,
});

export const MAX_THRESHOLD_DURATION_MS = 100 * 365 * 86_400_000;
