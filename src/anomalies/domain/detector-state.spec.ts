import type { DetectorInput } from './anomaly-detector.js';
import { detect, initialDetectorState } from './anomaly-detector.js';
import { DEFAULT_ANOMALY_THRESHOLDS as T } from './anomaly-thresholds.js';
import { detectorSnapshotParts, restoreDetectorState } from './detector-snapshot.js';
import { countUse } from './minute-counts.js';
import { type DetectorState, type KeyState, NO_ADDRESSES, NO_FAILURES, NO_MINUTES, NO_NETWORKS } from './detector-state.js';

/*
 * A key's addresses, networks and failures are made at first need (detector-state.ts, KEY_COLLECTIONS_WHY): found by
 * the detector-memory work, three empty collections held ~520 B of every key never used, ~50 MB on a 100,000-key log.
 */
const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

const created = (keyId: string, atMs: number): DetectorInput => ({
  type: 'KeyCreated',
  data: {
    keyId,
    accountId: 'acme',
    name: 'Production',
    prefix: 'sk_AbCdEfGhI',
    secretHash: 'f'.repeat(64),
    rateLimit: { requests: 1000, perSeconds: 60 },
    createdAt: iso(atMs),
    actingKeyId: null,
    permissions: ['*'],
    allowedIps: [],
    expiresAt: null,
    rolledFromKeyId: null,
  },
});
const used = (keyId: string, atMs: number, n: number): DetectorInput => ({
  type: 'KeyUsed',
  data: {
    keyId,
    accountId: 'acme',
    usedAt: iso(atMs),
    requestId: `req-${n}`,
    ip: '198.51.100.1',
    userAgent: 'sdk/1.0',
    method: 'GET',
    path: '/v1/parses',
    outcome: 'accepted',
  },
});
const failed = (keyId: string | null, atMs: number, n: number): DetectorInput => ({
  type: 'AuthenticationFailed',
  data: {
    failedAt: iso(atMs),
    requestId: `req-${n}`,
    ip: '203.0.113.9',
    userAgent: null,
    method: 'GET',
    path: '/v1/parses',
    reason: keyId === null ? 'unknown' : 'expired',
    keyId,
    accountId: keyId === null ? null : 'acme',
  },
});

/** Three keys: one never used, one used twice from one address, one refused once. */
const EVENTS = [
  created('key-idle', T0),
  created('key-used', T0),
  created('key-refused', T0),
  used('key-used', T0 + MINUTE, 1),
  used('key-used', T0 + 2 * MINUTE, 2),
  failed('key-refused', T0 + 3 * MINUTE, 3),
];

/** What the build before lazy collections saved after EVENTS under the default thresholds (still version 7). */
const BEFORE_LAZY =
  '{"version":7,"thresholds":{"spikeMinRequests":60,"spikeFactor":5,"spikeBaselineMinutes":60,"spikeMinBaselineMinutes":10,"manyAddressesCount":10,"manyAddressesWindowSeconds":300,"establishedMinRequests":100,"establishedMinHours":24,"maxKnownNetworks":1000,"dormantDays":30,"failedAuthBurstCount":20,"failedAuthBurstWindowSeconds":60,"failedAuthBurstAlertsPerHour":10,"expiryWarningHours":168},"latestMs":1772409780000,"ipsSweptAtMs":1772409780000,"keys":[["key-idle",{"accountId":"acme","createdAtMs":1772409600000,"revokedAtMs":null,"firstUseMs":null,"lastUseMs":null,"uses":0,"minutes":[],"addresses":[],"addressesQuietUntilMs":null,"networks":[],"revokedAlertHour":null,"failures":[],"expiresAtMs":null,"expiryWatch":"armed","disabled":false}],["key-used",{"accountId":"acme","createdAtMs":1772409600000,"revokedAtMs":null,"firstUseMs":1772409660000,"lastUseMs":1772409720000,"uses":2,"minutes":[29540161,1,29540162,1],"addresses":[["198.51.100.1",1772409720000]],"addressesQuietUntilMs":null,"networks":["198.51.100.0/24"],"revokedAlertHour":null,"failures":[],"expiresAtMs":null,"expiryWatch":"armed","disabled":false}],["key-refused",{"accountId":"acme","createdAtMs":1772409600000,"revokedAtMs":null,"firstUseMs":null,"lastUseMs":null,"uses":0,"minutes":[],"addresses":[],"addressesQuietUntilMs":null,"networks":[],"revokedAlertHour":null,"failures":[["expired",{"times":[1772409780000],"quietUntilMs":null}]],"expiresAtMs":null,"expiryWatch":"armed","disabled":false}]],"ips":[],"burstHour":null,"expiries":[]}';

const SHARED = { minutes: NO_MINUTES, addresses: NO_ADDRESSES, networks: NO_NETWORKS, failures: NO_FAILURES };

/** Each named collection of the key is the shared empty value itself (an empty Map of its own would pass toEqual). */
function expectShared(key: KeyState, names: (keyof typeof SHARED)[]): void {
  for (const name of names) expect(key[name] === SHARED[name] ? name : `${name}: its own collection`).toBe(name);
}

function run(events: DetectorInput[], state: DetectorState = initialDetectorState()): DetectorState {
  for (const event of events) detect(state, event, T);
  return state;
}

describe("a key's collections in the detector", () => {
  it('holds none of its own for a key never used, and makes each at its first need', () => {
    const { keys } = run(EVENTS);
    expectShared(keys.get('key-idle')!, ['minutes', 'addresses', 'networks', 'failures']);
    expectShared(keys.get('key-used')!, ['failures']);
    expect(keys.get('key-used')).toMatchObject({ addresses: new Map([['198.51.100.1', T0 + 2 * MINUTE]]), networks: new Set(['198.51.100.0/24']) });
    expectShared(keys.get('key-refused')!, ['minutes', 'addresses', 'networks']);
    expect(keys.get('key-refused')!.failures).toEqual(new Map([['expired', { times: [T0 + 3 * MINUTE], quietUntilMs: null }]]));
  });

  it('the shared empty values refuse writes, so a rule that forgot to take its own fails rather than fill every key', () => {
    expect(() => NO_ADDRESSES.set('198.51.100.1', T0)).toThrow(TypeError);
    expect(() => NO_NETWORKS.add('198.51.100.0/24')).toThrow(TypeError);
    expect(() => NO_FAILURES.set('expired', { times: [], quietUntilMs: null })).toThrow(TypeError);
    expect(() => countUse(NO_MINUTES, 29_000_000)).toThrow(TypeError);
    expect([NO_MINUTES.length, NO_ADDRESSES.size, NO_NETWORKS.size, NO_FAILURES.size]).toEqual([0, 0, 0, 0]);
  });

  it("gives a key's addresses back to the shared value once the hourly sweep has emptied them; its networks stay", () => {
    const state = run([...EVENTS, failed(null, T0 + 2 * HOUR, 4)]);
    expectShared(state.keys.get('key-used')!, ['addresses']);
    expect(state.keys.get('key-used')!.networks).toEqual(new Set(['198.51.100.0/24']));
  });

  it('restores a snapshot saved before, to the state built now (the shared values included), and saves the same text a key', () => {
    const state = run(EVENTS);
    const restored = restoreDetectorState([BEFORE_LAZY], T)!;
    expect(restored).toEqual(state);
    // toEqual takes an empty Map for the shared one: what restore holds for none is checked by identity.
    expectShared(restored.keys.get('key-idle')!, ['minutes', 'addresses', 'networks', 'failures']);
    expectShared(restored.keys.get('key-used')!, ['failures']);
    expectShared(restored.keys.get('key-refused')!, ['minutes', 'addresses', 'networks']);
    // Saved again in parts (from version 8): each key's entry is the same text as in that whole one.
    const parts = [...detectorSnapshotParts(state, T)];
    expect(parts[1]).toBe(`{"keys":${JSON.stringify(JSON.parse(BEFORE_LAZY).keys)}}`);
    expect(restoreDetectorState(parts, T)).toEqual(state);
  });
});
