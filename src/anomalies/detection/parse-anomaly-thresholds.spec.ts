import { DEFAULT_ANOMALY_THRESHOLDS } from '../domain/anomaly-thresholds.js';
import { parseAnomalyThresholds } from './parse-anomaly-thresholds.js';

describe('parseAnomalyThresholds', () => {
  it('uses the defaults when nothing is set and overrides what is named', () => {
    expect(parseAnomalyThresholds(undefined)).toEqual(DEFAULT_ANOMALY_THRESHOLDS);
    expect(parseAnomalyThresholds('{"spikeFactor": 8}')).toEqual({ ...DEFAULT_ANOMALY_THRESHOLDS, spikeFactor: 8 });
    expect(parseAnomalyThresholds('{"expiryWarningHours": 24}')).toEqual({ ...DEFAULT_ANOMALY_THRESHOLDS, expiryWarningHours: 24 });
  });

  it('warns of an expiry 168 hours (7 days) ahead unless told otherwise', () => {
    expect(DEFAULT_ANOMALY_THRESHOLDS.expiryWarningHours).toBe(168);
  });

  it('takes durations up to 100 years', () => {
    const longest = { failedAuthBurstWindowSeconds: 3153600000, expiryWarningHours: 876000, dormantDays: 36500 };
    expect(parseAnomalyThresholds(JSON.stringify(longest))).toEqual({ ...DEFAULT_ANOMALY_THRESHOLDS, ...longest });
  });

  it('takes fractions for what is a factor, a window in seconds, hours or days', () => {
    const fractional = { spikeFactor: 2.5, manyAddressesWindowSeconds: 0.5, establishedMinHours: 0.5, dormantDays: 1.5, failedAuthBurstWindowSeconds: 7.5 };
    expect(parseAnomalyThresholds(JSON.stringify(fractional))).toEqual({ ...DEFAULT_ANOMALY_THRESHOLDS, ...fractional });
  });

  it.each([
    ['not json', /JSON object/],
    ['[1]', /JSON object/],
    ['{"nope": 1}', /^Invalid configuration: ANOMALY_THRESHOLDS may only name spikeMinRequests, /],
    ['{"dormantDays": 0}', /dormantDays must be a positive number/],
    ['{"dormantDays": "30"}', /dormantDays must be a positive number/],
    // Names every object inherits are not thresholds.
    ['{"constructor": 5}', /^Invalid configuration: ANOMALY_THRESHOLDS may only name spikeMinRequests, /],
    ['{"toString": 1}', /^Invalid configuration: ANOMALY_THRESHOLDS may only name spikeMinRequests, /],
    ['{"hasOwnProperty": 2}', /^Invalid configuration: ANOMALY_THRESHOLDS may only name spikeMinRequests, /],
    ['{"__proto__": 2}', /^Invalid configuration: ANOMALY_THRESHOLDS may only name spikeMinRequests, /],
    // Counts are whole: 0.5 failures would make one failure a burst.
    ['{"failedAuthBurstCount": 0.5}', /^Invalid configuration: ANOMALY_THRESHOLDS: failedAuthBurstCount must be a whole number of at least 1$/],
    ['{"manyAddressesCount": 2.5}', /manyAddressesCount must be a whole number/],
    ['{"spikeMinRequests": 0.1}', /spikeMinRequests must be a whole number/],
    ['{"spikeBaselineMinutes": 1.5}', /spikeBaselineMinutes must be a whole number/],
    ['{"spikeMinBaselineMinutes": 0.5}', /spikeMinBaselineMinutes must be a whole number/],
    ['{"establishedMinRequests": 99.9}', /establishedMinRequests must be a whole number/],
    ['{"maxKnownNetworks": 10.5}', /maxKnownNetworks must be a whole number/],
    // Whole hours, as token services warn (7 days, 168 hours).
    ['{"expiryWarningHours": 1.5}', /expiryWarningHours must be a whole number/],
    ['{"expiryWarningHours": 0}', /expiryWarningHours must be a positive number/],
    ['{"expiryWarningHours": -24}', /expiryWarningHours must be a positive number/],
    // Durations at most 100 years: a window past what a date holds made every finding of its rule throw (and be lost).
    ['{"failedAuthBurstWindowSeconds": 1e13}', /^Invalid configuration: ANOMALY_THRESHOLDS: failedAuthBurstWindowSeconds must be at most 100 years \(3153600000\)$/],
    ['{"manyAddressesWindowSeconds": 3153600001}', /manyAddressesWindowSeconds must be at most 100 years \(3153600000\)/],
    ['{"expiryWarningHours": 876001}', /expiryWarningHours must be at most 100 years \(876000\)/],
    ['{"dormantDays": 1e300}', /dormantDays must be at most 100 years \(36500\)/],
    ['{"establishedMinHours": 876000.5}', /establishedMinHours must be at most 100 years/],
    ['{"spikeBaselineMinutes": 52560001}', /spikeBaselineMinutes must be at most 100 years \(52560000\)/],
  ])('refuses %s', (json, message) => {
    expect(() => parseAnomalyThresholds(json)).toThrow(message);
  });
});
