import { DEFAULT_ANOMALY_THRESHOLDS } from '../domain/anomaly-thresholds.js';
import { parseAnomalyThresholds } from './parse-anomaly-thresholds.js';

describe('parseAnomalyThresholds', () => {
  it('uses the defaults when nothing is set and overrides what is named', () => {
    expect(parseAnomalyThresholds(undefined)).toEqual(DEFAULT_ANOMALY_THRESHOLDS);
    expect(parseAnomalyThresholds('{"spikeFactor": 8}')).toEqual({ ...DEFAULT_ANOMALY_THRESHOLDS, spikeFactor: 8 });
  });

  it.each([
    ['not json', /JSON object/],
    ['[1]', /JSON object/],
    ['{"nope": 1}', /^Invalid configuration: ANOMALY_THRESHOLDS may only name spikeMinRequests, /],
    ['{"dormantDays": 0}', /dormantDays must be a positive number/],
    ['{"dormantDays": "30"}', /dormantDays must be a positive number/],
  ])('refuses %s', (json, message) => {
    expect(() => parseAnomalyThresholds(json)).toThrow(message);
  });
});
