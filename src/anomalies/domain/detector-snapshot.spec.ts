import type { DetectorInput } from './anomaly-detector.js';
import { detect, initialDetectorState } from './anomaly-detector.js';
import { DEFAULT_ANOMALY_THRESHOLDS } from './anomaly-thresholds.js';
import { detectorSnapshotParts, restoreDetectorSnapshot, restoreDetectorState, SNAPSHOT_VERSION } from './detector-snapshot.js';
import type { DetectorState } from './detector-state.js';
import { wholeSnapshotText } from '../../../test/support/whole-detector-snapshot.js';

const T = { ...DEFAULT_ANOMALY_THRESHOLDS, spikeMinRequests: 5, spikeFactor: 3, spikeBaselineMinutes: 5, spikeMinBaselineMinutes: 2 };
const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const MINUTE = 60_000;

let requests = 0;
function used(minute: number, second: number, keyId = 'key-1', ip = '198.51.100.1'): DetectorInput {
  return {
    type: 'KeyUsed',
    data: {
      keyId,
      accountId: 'acme',
      usedAt: new Date(T0 + minute * MINUTE + second * 1000).toISOString(),
      requestId: `req-${++requests}`,
      ip,
      userAgent: 'sdk/1.0',
      method: 'GET',
      path: '/v1/parses',
      outcome: 'accepted',
    },
  };
}
function failure(second: number, ip: string): DetectorInput {
  return {
    type: 'AuthenticationFailed',
    data: { failedAt: new Date(T0 + second * 1000).toISOString(), requestId: `req-${++requests}`, ip, userAgent: null, method: 'GET', path: '/v1/api-keys', reason: 'unknown', keyId: null, accountId: null },
  };
}
/** A refusal of a key of acme's, as expired unless `reason` says, from one address. */
function refusal(second: number, keyId: string, reason: 'expired' | 'disabled' = 'expired'): DetectorInput {
  return {
    type: 'AuthenticationFailed',
    data: { failedAt: new Date(T0 + second * 1000).toISOString(), requestId: `req-${++requests}`, ip: '10.20.0.1', userAgent: null, method: 'GET', path: '/v1/parses', reason, keyId, accountId: 'acme' },
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
    const restored = restoreDetectorState([VERSION_6], T);
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
    // Two bursts of 198.51.100.0/24 (alerted at the first), one of 203.0.113.0/24.
    const failures = [0, 100].flatMap((start) => Array.from({ length: 20 }, (_, i) => failure(start + i, '198.51.100.7'))).concat(Array.from({ length: 20 }, (_, i) => failure(200 + i, '203.0.113.7')));
    const { state } = run(failures);
    expect(state.burstHour?.loudestAlerted).toBe(2);
    expect(state.burstNetworks.size).toBe(2);
    const v7 = wholeSnapshotText(state, T);
    expect(JSON.parse(v7)).toEqual(expect.objectContaining({ version: 7, burstHour: { hour: state.burstHour!.hour, alerts: state.burstHour!.alerts, networks: expect.any(Array) } }));
    const restored = restoreDetectorState([v7], T)!;
    expect(restored).toEqual({ ...state, burstNetworks: new Map(), keysAlertedAfterBurst: null });
  });

  it('saves the current version in parts, restored as it was; a version after it, or before 6, is not restored', () => {
    const parts = [...detectorSnapshotParts(run(BEFORE).state, T)];
    expect(JSON.parse(parts[0]).version).toBe(SNAPSHOT_VERSION);
    expect(restoreDetectorState(parts, T)).toEqual(run(BEFORE).state);
    const later = parts[0].replace(/"version":\d+/, `"version":${SNAPSHOT_VERSION + 1}`);
    expect(restoreDetectorState([later, ...parts.slice(1)], T)).toBeNull();
    expect(restoreDetectorState([VERSION_6.replace('"version":6', '"version":5')], T)).toBeNull();
    // A part that is JSON but no section (a store's damage): not restored, rather than a TypeError at every start.
    for (const damaged of ['null', '7', '[]', '{"keys":1}', '{"other":[]}']) expect(restoreDetectorState([parts[0], damaged], T)).toBeNull();
    expect(restoreDetectorState(['null'], T)).toBeNull();
  });

  it('gives null, not a TypeError at every start, for a section whose entries are damaged (null, not pairs, a key not an object)', () => {
    const parts = [...detectorSnapshotParts(run(BEFORE).state, T)];
    const keysAt = parts.findIndex((part) => part.startsWith('{"keys":'));
    const [[keyId]] = JSON.parse(parts[keysAt]).keys;
    const damaged = ['{"keys":[null]}', '{"keys":[7]}', `{"keys":[["${keyId}",null]]}`, `{"keys":[["${keyId}",{}]]}`];
    for (const part of damaged) {
      const withDamage = parts.map((text, i) => (i === keysAt ? part : text));
      expect(() => restoreDetectorState(withDamage, T)).not.toThrow();
      expect(restoreDetectorState(withDamage, T)).toBeNull();
    }
    // An entry of a Map section that is no pair, with the header's count matching: new Map() threw at the end.
    const header = JSON.parse(parts[0]);
    const counted = JSON.stringify({ ...header, counts: { ...header.counts, ips: 1 } });
    expect(() => restoreDetectorState([counted, ...parts.slice(1), '{"ips":[1]}'], T)).not.toThrow();
    expect(restoreDetectorState([counted, ...parts.slice(1), '{"ips":[1]}'], T)).toBeNull();
  });

  describe("the hour of expired keys' bursts (version 9)", () => {
    // 12 keys each refused 20 times as expired (10 alerted, 2 counted), then the next hour's first event.
    const keys = Array.from({ length: 12 }, (_, n) => `key-${n}`);
    const refusals = Array.from({ length: 20 }, (_, round) => keys.map((keyId) => refusal(round, keyId))).flat();
    const next = refusal(3700, 'key-0', 'disabled');

    it('round trip: its hour in the header, a section of one entry a key, restored as it was; the hour closes to the same summary', () => {
      const { state, findings } = run(refusals);
      expect(findings).toHaveLength(10);
      const parts = [...detectorSnapshotParts(state, T)];
      expect(JSON.parse(parts[0])).toEqual(expect.objectContaining({ expiredKeyBurstHour: { hour: Math.floor(T0 / 3_600_000) }, counts: expect.objectContaining({ expiredKeyBursts: 12 }) }));
      expect(parts.map((part) => JSON.parse(part)).find((part) => part.expiredKeyBursts)).toEqual({
        expiredKeyBursts: keys.map((keyId, n) => ['acme', keyId, { bursts: 1, alerted: n < 10 }]),
      });
      const restored = restoreDetectorState(parts, T)!;
      expect(restored).toEqual(state);
      const summary = run([next], restored).findings;
      expect(summary).toEqual(run([...refusals, next]).findings.slice(10));
      expect(summary.map((f) => f.evidence)).toEqual([expect.objectContaining({ summary: true, reason: 'expired', unalerted: 2 })]);
      // A part of the section lost: not restored (the header counts its entries).
      expect(restoreDetectorState(parts.filter((part) => !part.startsWith('{"expiredKeyBursts"')), T)).toBeNull();
    });

    it('converts a version-8 snapshot (parts, no such hour nor section) with none: the grouping starts with the upgrade', () => {
      const { state } = run(refusals);
      const [header, ...sections] = [...detectorSnapshotParts(state, T)];
      const { expiredKeyBurstHour: _hour, counts, ...rest } = JSON.parse(header);
      const { expiredKeyBursts: _count, ...countsV8 } = counts;
      const v8 = [JSON.stringify({ ...rest, version: 8, counts: countsV8 }), ...sections.filter((part) => !part.startsWith('{"expiredKeyBursts"'))];
      expect(restoreDetectorState(v8, T)).toEqual({ ...state, expiredKeyBurstHour: null });
    });
  });

  it('saves a large state in parts no longer than their budget, and never makes a longer text on the way', () => {
    // Found at 100,000 keys: the whole text (37 MB), beside the state, ran a 160 MiB projection thread out of heap at stop.
    const budget = 4096;
    const state = initialDetectorState();
    // 200 wide networks burst (the hour's networks, the networks that burst), then 300 keys are used from them (the keys
    // alerted after a burst): every section spans parts.
    for (let n = 0; n < 200; n++) for (let i = 0; i < 20; i++) detect(state, failure(i, `203.0.${n}.7`), T);
    for (let m = 1; m < 4; m++) for (let k = 0; k < 300; k++) detect(state, used(m, k % 60, `key-${k}-${'x'.repeat(20)}`, `203.0.${k % 200}.${m + 1}`), T);
    // And 300 keys refused 20 times each as expired (the hour of expired keys' bursts).
    for (let i = 0; i < 20; i++) for (let k = 0; k < 300; k++) detect(state, refusal(200 + i, `key-${k}-${'x'.repeat(20)}`), T);
    expect([state.burstHour?.networks.size, state.burstNetworks.size, state.keysAlertedAfterBurst?.keys.size, state.expiredKeyBurstHour?.accounts.get('acme')?.keys.size]).toEqual([200, 200, 300, 300]);
    const stringify = JSON.stringify;
    let longest = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      const text = stringify(...args);
      longest = Math.max(longest, text?.length ?? 0);
      return text;
    }) as typeof stringify;
    let parts: string[];
    try {
      parts = [...detectorSnapshotParts(state, T, budget)];
    } finally {
      JSON.stringify = stringify;
    }
    expect(parts.reduce((sum, part) => sum + part.length, 0)).toBeGreaterThan(20 * budget);
    expect(Math.max(...parts.map((part) => part.length))).toBeLessThanOrEqual(budget);
    const sections = parts.slice(1).map((part) => Object.keys(JSON.parse(part))[0]);
    for (const section of ['keys', 'hourNetworks', 'burstNetworks', 'keysAlertedAfterBurst', 'expiredKeyBursts']) {
      expect(sections.filter((name) => name === section).length).toBeGreaterThan(1);
    }
    expect(longest).toBeLessThanOrEqual(budget);
    expect(restoreDetectorState(parts, T)).toEqual(state);
  });

  it('reads the parts one at a time, and a version-7 snapshot, one whole text, no further than its text', async () => {
    const state = run(BEFORE).state;
    const taken: string[] = [];
    async function* from(parts: string[]) {
      for (const part of parts) {
        taken.push(part);
        yield part;
      }
    }
    const parts = [...detectorSnapshotParts(state, T)];
    expect(await restoreDetectorSnapshot(from(parts), T)).toEqual(state);
    expect(taken).toEqual(parts);

    // The version-6 text converted to version 7 as the build before parts saved it, with a stray part after it.
    const version7 = JSON.stringify({ ...JSON.parse(VERSION_6), version: 7, keys: JSON.parse(parts[1]).keys, burstHour: null, thresholds: T });
    taken.length = 0;
    expect(await restoreDetectorSnapshot(from([version7, '{"keys":[]}']), T)).toEqual(state);
    expect(taken).toEqual([version7]);
  });
});
