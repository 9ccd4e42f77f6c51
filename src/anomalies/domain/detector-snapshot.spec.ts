import type { DetectorInput } from './anomaly-detector.js';
import { detect, initialDetectorState } from './anomaly-detector.js';
import { DEFAULT_ANOMALY_THRESHOLDS } from './anomaly-thresholds.js';
import { SNAPSHOT_VERSION, restoreDetectorState, serializeDetectorState } from './detector-snapshot.js';
import type { DetectorState } from './detector-state.js';

const T = { ...DEFAULT_ANOMALY_THRESHOLDS, spikeMinRequests: 5, spikeFactor: 3, spikeBaselineMinutes: 5, spikeMinBaselineMinutes: 2 };
const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const MINUTE = 60_000;

let requests = 0;
function used(minute: number, second: number): DetectorInput {
  return {
    type: 'KeyUsed',
    data: {
      keyId: 'key-1',
      accountId: 'acme',
      usedAt: new Date(T0 + minute * MINUTE + second * 1000).toISOString(),
      requestId: `req-${++requests}`,
      ip: '198.51.100.1',
      userAgent: 'sdk/1.0',
      method: 'GET',
      path: '/v1/parses',
      outcome: 'accepted',
    },
  };
}
const uses = (minute: number, count: number) => Array.from({ length: count }, (_, i) => used(minute, 10 + i));

/** A use a minute for 4 minutes, a spike of 6 in minute 5 (alerted at the 5th), then a use of minute 4 logged late. */
const BEFORE = [0, 1, 2, 3].flatMap((m) => uses(m, 1)).concat(uses(5, 6), uses(4, 1));
/** 5 more in the alerted minute 5 (nothing), 4 more late in minute 4 (a spike: 5 over a baseline of 1 a minute). */
const AFTER = uses(5, 5).concat(uses(4, 4), uses(6, 1));

/**
 * What version 6 (minutes as `[minute, {count, alerted}]`) saved after BEFORE under T, taken from the build before
 * version 7: minute 5 (alerted) before minute 4, in the order the uses added them.
 */
const VERSION_6 =
  '{"version":6,"thresholds":{"spikeMinRequests":5,"spikeFactor":3,"spikeBaselineMinutes":5,"spikeMinBaselineMinutes":2,"manyAddressesCount":10,"manyAddressesWindowSeconds":300,"establishedMinRequests":100,"establishedMinHours":24,"maxKnownNetworks":1000,"dormantDays":30,"failedAuthBurstCount":20,"failedAuthBurstWindowSeconds":60,"expiryWarningHours":168},"latestMs":1772409915000,"ipsSweptAtMs":1772409910000,"keys":[["key-1",{"accountId":"acme","createdAtMs":null,"revokedAtMs":null,"firstUseMs":1772409610000,"lastUseMs":1772409915000,"uses":11,"minutes":[[29540160,{"count":1,"alerted":false}],[29540161,{"count":1,"alerted":false}],[29540162,{"count":1,"alerted":false}],[29540163,{"count":1,"alerted":false}],[29540165,{"count":6,"alerted":true}],[29540164,{"count":1,"alerted":false}]],"addresses":[["198.51.100.1",1772409915000]],"addressesQuietUntilMs":null,"networks":["198.51.100.0/24"],"revokedAlertHour":null,"failures":[],"expiresAtMs":null,"expiryWatch":"armed","disabled":false}]],"ips":[],"expiries":[]}';

function run(events: DetectorInput[], state: DetectorState = initialDetectorState()) {
  const findings = events.flatMap((event) => detect(state, event, T));
  return { state, findings };
}

describe('the detector snapshot across its versions', () => {
  it('converts a version-6 snapshot: the state the current version builds, and the same findings after it', () => {
    const straight = run(BEFORE);
    const restored = restoreDetectorState(VERSION_6, T);
    expect(restored).toEqual(straight.state);

    const whole = run([...BEFORE, ...AFTER]).findings;
    const after = run(AFTER, restored!).findings;
    expect(whole.map((f) => [f.rule, f.windowStart])).toEqual([
      ['rate_spike', '2026-03-02T00:05:00.000Z'],
      ['rate_spike', '2026-03-02T00:04:00.000Z'],
    ]);
    expect([...straight.findings, ...after]).toEqual(whole);
  });

  it('converts a version-7 snapshot: the hour\'s loudest alerted network from its networks, no networks that burst before', () => {
    const failure = (second: number, ip: string): DetectorInput => ({
      type: 'AuthenticationFailed',
      data: { failedAt: new Date(T0 + second * 1000).toISOString(), requestId: `req-${++requests}`, ip, userAgent: null, method: 'GET', path: '/v1/api-keys', reason: 'unknown', keyId: null, accountId: null },
    });
    // Two bursts of 198.51.100.0/24 (alerted at the first), one of 203.0.113.0/24.
    const failures = [0, 100].flatMap((start) => Array.from({ length: 20 }, (_, i) => failure(start + i, '198.51.100.7'))).concat(Array.from({ length: 20 }, (_, i) => failure(200 + i, '203.0.113.7')));
    const { state } = run(failures);
    expect(state.burstHour?.loudestAlerted).toBe(2);
    const v8 = JSON.parse(serializeDetectorState(state, T));
    const { burstNetworks: _networks, keysAlertedAfterBurst: _keys, ...v7 } = { ...v8, version: 7, burstHour: { ...v8.burstHour, loudestAlerted: undefined } };
    const restored = restoreDetectorState(JSON.stringify(v7), T)!;
    expect(restored).toEqual({ ...state, burstNetworks: new Map(), keysAlertedAfterBurst: null });
  });

  it('saves the current version, restored as it was; a version after it, or before 6, is not restored', () => {
    const text = serializeDetectorState(run(BEFORE).state, T);
    expect(text).toContain(`"version":${SNAPSHOT_VERSION}`);
    expect(restoreDetectorState(text, T)).toEqual(run(BEFORE).state);
    expect(restoreDetectorState(text.replace(/"version":\d+/, `"version":${SNAPSHOT_VERSION + 1}`), T)).toBeNull();
    expect(restoreDetectorState(VERSION_6.replace('"version":6', '"version":5'), T)).toBeNull();
  });
});
