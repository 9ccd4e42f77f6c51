import { createHash } from 'node:crypto';
import type { AuthenticationFailureReason } from '../../usage/domain/authentication-failed.js';
import { ANOMALY_RULES, type AnomalyDetectedData } from './anomaly.js';
import { addressBurstHourPassed, burstHoursPassed, type DetectorInput, type DetectorState, detect, initialDetectorState, rearmExpiryWarnings, timeOf } from './anomaly-detector.js';
import { type AnomalyThresholds, DEFAULT_ANOMALY_THRESHOLDS } from './anomaly-thresholds.js';
import { detectorSnapshotParts, restoreDetectorState } from './detector-snapshot.js';
import { detectorStateSize } from './detector-state.js';
import { seededRandom } from '../../../test/support/seeded-random.js';

/** The snapshot's parts as one text, a part a line (JSON never holds a raw line break): for the text's checks. */
const snapshotText = (state: Parameters<typeof detectorSnapshotParts>[0], thresholds: Parameters<typeof detectorSnapshotParts>[1]) =>
  [...detectorSnapshotParts(state, thresholds)].join('\n');

const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const KEY = 'key-1';
const ACCOUNT = 'acme';
const iso = (ms: number) => new Date(ms).toISOString();

let requests = 0;
function used(atMs: number, ip: string | null = '198.51.100.1', keyId = KEY): DetectorInput {
  return {
    type: 'KeyUsed',
    data: {
      keyId,
      accountId: ACCOUNT,
      usedAt: iso(atMs),
      requestId: `req-${++requests}`,
      ip,
      userAgent: 'sdk/1.0',
      method: 'GET',
      path: '/v1/parses',
      outcome: 'accepted',
    },
  };
}

function failed(
  atMs: number,
  ip: string | null,
  reason: AuthenticationFailureReason = 'unknown',
  keyId: string | null = null,
): DetectorInput {
  return {
    type: 'AuthenticationFailed',
    data: {
      failedAt: iso(atMs),
      requestId: `req-${++requests}`,
      ip,
      userAgent: null,
      method: 'GET',
      path: '/v1/api-keys',
      reason,
      keyId,
      accountId: keyId === null ? null : ACCOUNT,
    },
  };
}

function created(atMs: number, keyId = KEY, expiresAtMs: number | null = null, rolledFromKeyId: string | null = null): DetectorInput {
  return {
    type: 'KeyCreated',
    data: {
      keyId,
      accountId: ACCOUNT,
      name: 'Production',
      prefix: 'sk_AbCdEfGhI',
      secretHash: 'f'.repeat(64),
      rateLimit: { requests: 1000, perSeconds: 60 },
      createdAt: iso(atMs),
      actingKeyId: null,
      permissions: ['*'],
      allowedIps: [],
      expiresAt: expiresAtMs === null ? null : iso(expiresAtMs),
      rolledFromKeyId,
    },
  };
}

function leakReported(atMs: number, keyId = KEY, action: 'revoked' | 'disabled' | 'none' = 'revoked'): DetectorInput {
  return {
    type: 'KeyLeakReported',
    data: { keyId, accountId: ACCOUNT, reportedAt: iso(atMs), scanner: 'github', tokenType: 'parsesphere_api_key', sourceUrl: 'https://github.com/o/r/blob/abc/.env', source: 'content', action },
  };
}

function revoked(atMs: number, keyId = KEY): DetectorInput {
  return { type: 'KeyRevoked', data: { keyId, accountId: ACCOUNT, revokedAt: iso(atMs), actingKeyId: null } };
}

/** A PATCH that set (or, with null, removed) the key's expires_at. */
function expiryChanged(atMs: number, expiresAtMs: number | null, keyId = KEY): DetectorInput {
  const changes = { expiresAt: expiresAtMs === null ? null : iso(expiresAtMs) };
  return { type: 'KeyUpdated', data: { keyId, accountId: ACCOUNT, updatedAt: iso(atMs), actingKeyId: null, changes } };
}

/** The key rolled at `atMs`: it keeps working until `graceEndsAtMs`, then expires (reason grace_ended). */
function rolledOver(atMs: number, graceEndsAtMs: number, keyId = KEY, successorKeyId = 'key-2'): DetectorInput {
  const data = { keyId, accountId: ACCOUNT, successorKeyId, rolledAt: iso(atMs), graceEndsAt: iso(graceEndsAtMs), closeWhenIdleSeconds: null, actingKeyId: null };
  return { type: 'KeyRolled', data };
}

/** `count` uses spread evenly over minute `minute` after T0. */
function minuteOfUses(minute: number, count: number, ip = '198.51.100.1'): DetectorInput[] {
  return Array.from({ length: count }, (_, i) => used(T0 + minute * MINUTE + Math.floor((i * MINUTE) / count), ip));
}

function steadyMinutes(from: number, to: number, perMinute: number): DetectorInput[] {
  const events: DetectorInput[] = [];
  for (let minute = from; minute < to; minute++) events.push(...minuteOfUses(minute, perMinute));
  return events;
}

function run(
  events: readonly DetectorInput[],
  thresholds: AnomalyThresholds = DEFAULT_ANOMALY_THRESHOLDS,
  start: DetectorState = initialDetectorState(),
): { state: DetectorState; findings: AnomalyDetectedData[] } {
  const findings: AnomalyDetectedData[] = [];
  for (const event of events) findings.push(...detect(start, event, thresholds));
  return { state: start, findings };
}

const rules = (findings: readonly AnomalyDetectedData[]) => findings.map((f) => f.rule);


describe('anomaly detector', () => {
  describe('rate_spike', () => {
    const baseline = steadyMinutes(0, 30, 5);

    it('stays quiet one request below the floor of spikeMinRequests', () => {
      expect(run([...baseline, ...minuteOfUses(30, 59)]).findings).toEqual([]);
    });

    it('fires once when a minute reaches the floor, however many more requests that minute brings', () => {
      const { findings } = run([...baseline, ...minuteOfUses(30, 100)]);
      expect(rules(findings)).toEqual(['rate_spike']);
      expect(findings[0]).toMatchObject({
        keyId: KEY,
        accountId: ACCOUNT,
        ip: null,
        windowStart: iso(T0 + 30 * MINUTE),
        windowEnd: iso(T0 + 31 * MINUTE),
        evidence: { requests: 60, threshold: 60, baselinePerMinute: 5, baselineMinutes: 30 },
      });
      expect(findings[0].detectedAt).toBe(iso(T0 + 30 * MINUTE + Math.floor((59 * MINUTE) / 100)));
    });

    it('scales the threshold with the baseline: spikeFactor × mean, one below is quiet', () => {
      const busy = steadyMinutes(0, 30, 20);
      expect(run([...busy, ...minuteOfUses(30, 99)]).findings).toEqual([]);
      const { findings } = run([...busy, ...minuteOfUses(30, 100)]);
      expect(findings.map((f) => f.evidence)).toMatchObject([{ requests: 100, threshold: 100, baselinePerMinute: 20 }]);
    });

    it('judges nothing before spikeMinBaselineMinutes of history, idle minutes included', () => {
      const first = minuteOfUses(0, 1);
      expect(run([...first, ...minuteOfUses(9, 100)]).findings).toEqual([]);
      const { findings } = run([...first, ...minuteOfUses(10, 100)]);
      expect(findings.map((f) => f.evidence)).toMatchObject([{ baselineMinutes: 10, threshold: 60 }]);
    });

    it('forgets traffic older than the baseline window', () => {
      const { findings } = run([...steadyMinutes(0, 30, 50), ...minuteOfUses(100, 60)]);
      expect(findings.map((f) => f.evidence)).toMatchObject([{ baselinePerMinute: 0, baselineMinutes: 60 }]);
    });

    it('judges a use that arrives up to one minute late, as uses of several instances interleave', () => {
      const late = used(T0 + 30 * MINUTE + 59 * SECOND);
      const { findings } = run([...baseline, ...minuteOfUses(30, 59), used(T0 + 31 * MINUTE), late]);
      expect(findings.map((f) => [f.windowStart, f.detectedAt])).toEqual([
        [iso(T0 + 30 * MINUTE), iso(T0 + 30 * MINUTE + 59 * SECOND)],
      ]);
      expect(run([...baseline, ...minuteOfUses(30, 59), used(T0 + 32 * MINUTE), late]).findings).toEqual([]);
    });

    it('fires again for a later spike minute', () => {
      const { findings } = run([...baseline, ...minuteOfUses(30, 60), ...minuteOfUses(31, 70)]);
      expect(findings.map((f) => f.windowStart)).toEqual([iso(T0 + 30 * MINUTE), iso(T0 + 31 * MINUTE)]);
      expect(new Set(findings.map((f) => f.alertId)).size).toBe(2);
    });
  });

  describe('many_addresses', () => {
    const fromAddresses = (count: number, startMs: number, stepMs: number) =>
      Array.from({ length: count }, (_, i) => used(startMs + i * stepMs, `198.51.100.${i + 1}`));

    it('stays quiet with one address fewer than manyAddressesCount in the window', () => {
      expect(run(fromAddresses(9, T0, 20 * SECOND)).findings).toEqual([]);
    });

    it('fires once at manyAddressesCount distinct addresses, not again within the window', () => {
      const more = [used(T0 + 200 * SECOND, '198.51.100.11'), used(T0 + 210 * SECOND, '198.51.100.12')];
      const { findings } = run([...fromAddresses(10, T0, 20 * SECOND), ...more]);
      expect(rules(findings)).toEqual(['many_addresses']);
      expect(findings[0]).toMatchObject({
        windowStart: iso(T0 + 180 * SECOND - 300 * SECOND),
        windowEnd: iso(T0 + 180 * SECOND),
        evidence: { distinctAddresses: 10, threshold: 10, windowSeconds: 300 },
      });
      expect(findings[0].evidence.addresses).toEqual(
        Array.from({ length: 10 }, (_, i) => `198.51.100.${i + 1}`).sort(),
      );
    });

    it('does not count an address last seen a full window ago', () => {
      expect(run(fromAddresses(10, T0, (300 * SECOND) / 9)).findings).toEqual([]);
    });

    it('counts ::ffff:a.b.c.d and a.b.c.d as one address', () => {
      const events = [...fromAddresses(9, T0, SECOND), used(T0 + 10 * SECOND, '::ffff:198.51.100.1')];
      expect(run(events).findings).toEqual([]);
    });

    it('fires again for a new set of addresses once the window has passed', () => {
      const { findings } = run([...fromAddresses(10, T0, SECOND), ...fromAddresses(10, T0 + 400 * SECOND, SECOND)]);
      expect(rules(findings)).toEqual(['many_addresses', 'many_addresses']);
      expect(findings[0].alertId).not.toBe(findings[1].alertId);
    });
  });

  describe('new_network', () => {
    const history = (uses: number, stepMs: number) =>
      Array.from({ length: uses }, (_, i) => used(T0 + i * stepMs, '198.51.100.7'));

    it('fires when an established key (≥100 uses over ≥24 h) is used from a network it never used', () => {
      const { findings } = run([...history(100, 15 * MINUTE), used(T0 + 25 * HOUR, '203.0.113.9')]);
      expect(findings).toEqual([
        expect.objectContaining({
          rule: 'new_network',
          keyId: KEY,
          ip: '203.0.113.9',
          windowStart: iso(T0),
          windowEnd: iso(T0 + 25 * HOUR),
          evidence: expect.objectContaining({ network: '203.0.113.0/24', knownNetworks: 1, previousUses: 100 }),
        }),
      ]);
    });

    it('stays quiet with one use fewer than establishedMinRequests, and learns the network', () => {
      const before = [...history(99, 15 * MINUTE), used(T0 + 25 * HOUR, '203.0.113.9')];
      expect(run(before).findings).toEqual([]);
      expect(run([...before, used(T0 + 26 * HOUR, '203.0.113.200')]).findings).toEqual([]);
    });

    it('needs establishedMinHours of history: quiet 1 ms before, fires at it', () => {
      const uses = history(100, 14 * MINUTE);
      expect(run([...uses, used(T0 + 24 * HOUR - 1, '203.0.113.9')]).findings).toEqual([]);
      expect(rules(run([...uses, used(T0 + 24 * HOUR, '203.0.113.9')]).findings)).toEqual(['new_network']);
    });

    it('fires once per network: other addresses of the same /24 or /48 are not new', () => {
      const { findings } = run([
        ...history(100, 15 * MINUTE),
        used(T0 + 25 * HOUR, '203.0.113.9'),
        used(T0 + 25 * HOUR + 1, '203.0.113.250'),
        used(T0 + 26 * HOUR, '2001:db8:aaaa:1::1'),
        used(T0 + 26 * HOUR + 1, '2001:db8:aaaa:ffff::2'),
      ]);
      expect(findings.map((f) => f.evidence.network)).toEqual(['203.0.113.0/24', '2001:db8:aaaa::/48']);
    });
  });

  describe('revoked_key_used', () => {
    it('fires for a revoked key presented again, once per key per hour', () => {
      const { findings } = run([
        created(T0),
        revoked(T0 + HOUR),
        failed(T0 + 2 * HOUR + 5 * MINUTE, '203.0.113.5', 'revoked', KEY),
        failed(T0 + 2 * HOUR + 50 * MINUTE, '203.0.113.6', 'revoked', KEY),
        failed(T0 + 3 * HOUR + MINUTE, '203.0.113.5', 'revoked', KEY),
      ]);
      expect(findings).toEqual([
        expect.objectContaining({
          rule: 'revoked_key_used',
          keyId: KEY,
          accountId: ACCOUNT,
          ip: '203.0.113.5',
          windowStart: iso(T0 + 2 * HOUR),
          windowEnd: iso(T0 + 3 * HOUR),
          detectedAt: iso(T0 + 2 * HOUR + 5 * MINUTE),
          evidence: expect.objectContaining({ reason: 'revoked', revokedAt: iso(T0 + HOUR) }),
        }),
        expect.objectContaining({ rule: 'revoked_key_used', windowStart: iso(T0 + 3 * HOUR) }),
      ]);
    });

    it('ignores failures for unknown keys and revoked failures without a key id', () => {
      const events = [failed(T0, '203.0.113.5', 'unknown'), failed(T0 + 1, '203.0.113.5', 'revoked', null)];
      expect(run(events).findings).toEqual([]);
    });
  });

  describe('dormant_key_active', () => {
    it('fires for a first use dormantDays after creation, not 1 ms earlier', () => {
      expect(run([created(T0), used(T0 + 30 * DAY - 1)]).findings).toEqual([]);
      const { findings } = run([created(T0), used(T0 + 30 * DAY)]);
      expect(findings).toEqual([
        expect.objectContaining({
          rule: 'dormant_key_active',
          ip: '198.51.100.1',
          windowStart: iso(T0),
          windowEnd: iso(T0 + 30 * DAY),
          evidence: expect.objectContaining({ dormantDays: 30, thresholdDays: 30, since: 'created' }),
        }),
      ]);
    });

    it('fires once per reactivation after dormantDays without use', () => {
      const { findings } = run([
        created(T0),
        used(T0 + HOUR),
        used(T0 + HOUR + 30 * DAY),
        used(T0 + HOUR + 30 * DAY + MINUTE),
        used(T0 + HOUR + 60 * DAY + MINUTE),
      ]);
      expect(findings.map((f) => [f.rule, f.windowStart, f.evidence.since])).toEqual([
        ['dormant_key_active', iso(T0 + HOUR), 'last_use'],
        ['dormant_key_active', iso(T0 + HOUR + 30 * DAY + MINUTE), 'last_use'],
      ]);
    });

    it('stays quiet for a use 29.99 days after the previous one', () => {
      expect(run([created(T0), used(T0 + MINUTE), used(T0 + MINUTE + 30 * DAY - HOUR)]).findings).toEqual([]);
    });
  });

  describe('key_expiring', () => {
    const EXPIRY = T0 + 30 * DAY;
    const WINDOW = 168 * HOUR;
    const expiring = (events: readonly DetectorInput[], t = DEFAULT_ANOMALY_THRESHOLDS) =>
      run(events, t).findings.filter((f) => f.rule === 'key_expiring');
    const refusedUse = (atMs: number): DetectorInput => {
      const use = used(atMs) as Extract<DetectorInput, { type: 'KeyUsed' }>;
      return { ...use, data: { ...use.data, outcome: 'refused' } };
    };
    const rateLimited = (atMs: number): DetectorInput => {
      const use = used(atMs) as Extract<DetectorInput, { type: 'KeyUsed' }>;
      return { ...use, data: { ...use.data, outcome: 'rate_limited' } };
    };

    it('fires for a served use inside the window before the key’s expires_at, with its evidence and an id from the expiry', () => {
      const atMs = EXPIRY - 2 * DAY - 30 * SECOND;
      const findings = expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), used(atMs, '203.0.113.8')]);
      expect(findings).toEqual([
        {
          alertId: createHash('sha256').update(`key_expiring|${KEY}|${iso(EXPIRY)}`).digest('hex').slice(0, 32),
          rule: 'key_expiring',
          keyId: KEY,
          accountId: ACCOUNT,
          ip: '203.0.113.8',
          windowStart: iso(EXPIRY - WINDOW),
          windowEnd: iso(EXPIRY),
          detectedAt: iso(atMs),
          evidence: { expiresAt: iso(EXPIRY), secondsLeft: 2 * 86_400 + 30, warningHours: 168, requestId: expect.any(String) },
        },
      ]);
    });

    it('fires from the window’s first instant on, not 1 ms before it', () => {
      expect(expiring([created(T0, KEY, EXPIRY), used(EXPIRY - WINDOW - 1)])).toEqual([]);
      expect(expiring([created(T0, KEY, EXPIRY), used(EXPIRY - WINDOW)]).map((f) => f.evidence.secondsLeft)).toEqual([168 * 3600]);
    });

    it('stays quiet for a use at or after the expiry: the key has expired', () => {
      expect(expiring([created(T0, KEY, EXPIRY), used(EXPIRY), used(EXPIRY + HOUR)])).toEqual([]);
    });

    it('counts a rate-limited use, as the other traffic rules do, and never a refused one', () => {
      expect(expiring([created(T0, KEY, EXPIRY), refusedUse(EXPIRY - DAY)])).toEqual([]);
      const findings = expiring([created(T0, KEY, EXPIRY), refusedUse(EXPIRY - DAY), rateLimited(EXPIRY - HOUR)]);
      expect(findings.map((f) => f.detectedAt)).toEqual([iso(EXPIRY - HOUR)]);
    });

    it('fires once per expiry, however many uses follow in the window', () => {
      const uses = Array.from({ length: 50 }, (_, i) => used(EXPIRY - 6 * DAY + i * HOUR));
      expect(expiring([created(T0, KEY, EXPIRY), ...uses])).toHaveLength(1);
    });

    it('fires again when a PATCH moves the expiry and the key is used near the new one, with another id', () => {
      const later = EXPIRY + 20 * DAY;
      const findings = expiring([
        created(T0, KEY, EXPIRY),
        used(EXPIRY - DAY),
        expiryChanged(EXPIRY - DAY + HOUR, later),
        used(EXPIRY - HOUR),
        used(later - DAY),
        used(later - HOUR),
      ]);
      expect(findings.map((f) => [f.evidence.expiresAt, f.detectedAt])).toEqual([
        [iso(EXPIRY), iso(EXPIRY - DAY)],
        [iso(later), iso(later - DAY)],
      ]);
      expect(findings[0].alertId).not.toBe(findings[1].alertId);
    });

    it('watches an expiry first set by a PATCH on a key created without one', () => {
      const findings = expiring([created(T0), used(T0 + HOUR), expiryChanged(T0 + 2 * HOUR, EXPIRY), used(EXPIRY - HOUR)]);
      expect(findings.map((f) => f.evidence.expiresAt)).toEqual([iso(EXPIRY)]);
    });

    it('does not take a rolled key’s grace end for an expiry; its successor carries the expiry and is watched', () => {
      const rolledAt = EXPIRY - 3 * DAY;
      // Without an expiry of its own: the grace end is the roll's, not a planned expiry.
      expect(expiring([created(T0), rolledOver(T0 + DAY, T0 + DAY + 7 * DAY), used(T0 + 7 * DAY), used(T0 + 8 * DAY - HOUR)])).toEqual([]);
      // With one, inside the window (the grace end is capped at it): the predecessor is no longer watched, even if PATCHed.
      const findings = expiring([
        created(T0, KEY, EXPIRY),
        rolledOver(rolledAt, EXPIRY),
        created(rolledAt, 'key-2', EXPIRY, KEY),
        used(rolledAt + HOUR),
        expiryChanged(rolledAt + 2 * HOUR, EXPIRY - HOUR),
        used(rolledAt + 3 * HOUR, '198.51.100.1', 'key-2'),
        used(EXPIRY - 2 * HOUR),
      ]);
      expect(findings.map((f) => [f.keyId, f.evidence.expiresAt])).toEqual([['key-2', iso(EXPIRY)]]);
    });

    it('does not warn of an expiry set already inside the window: a short-lived key, or an end its owner just chose', () => {
      // Created to last a day, or 7 days to the millisecond (the window's length): its first use is no news.
      expect(expiring([created(T0, KEY, T0 + DAY), used(T0 + HOUR), used(T0 + DAY - HOUR)])).toEqual([]);
      expect(expiring([created(T0, KEY, T0 + WINDOW), used(T0 + HOUR)])).toEqual([]);
      // A PATCH that brings a distant expiry within the window: the owner chose that end.
      expect(expiring([created(T0, KEY, EXPIRY), expiryChanged(T0 + DAY, T0 + 3 * DAY), used(T0 + 2 * DAY)])).toEqual([]);
      // 1 ms more than the window: watched, and warned once inside it.
      expect(expiring([created(T0, KEY, T0 + WINDOW + 1), used(T0 + HOUR)]).map((f) => f.detectedAt)).toEqual([iso(T0 + HOUR)]);
    });

    it('watches a short-lived key again once a PATCH sets its expiry beyond the window', () => {
      const findings = expiring([created(T0, KEY, T0 + DAY), used(T0 + HOUR), expiryChanged(T0 + 2 * HOUR, EXPIRY), used(EXPIRY - DAY)]);
      expect(findings.map((f) => [f.evidence.expiresAt, f.detectedAt])).toEqual([[iso(EXPIRY), iso(EXPIRY - DAY)]]);
    });

    it('watches a roll’s successor created inside the window: it inherited the expiry, nobody chose it then', () => {
      const rolledAt = EXPIRY - 3 * DAY;
      const events = (rolledFrom: string | null) => [created(T0, KEY, EXPIRY), rolledOver(rolledAt, EXPIRY), created(rolledAt, 'key-2', EXPIRY, rolledFrom), used(rolledAt + HOUR, '198.51.100.1', 'key-2')];
      expect(expiring(events(KEY)).map((f) => f.keyId)).toEqual(['key-2']);
      // The same key created by hand with that expiry is a short-lived key.
      expect(expiring(events(null))).toEqual([]);
    });

    it('judges the window from the thresholds in force: a 2-day key is short under 168 hours, watched under 24', () => {
      const t = { ...DEFAULT_ANOMALY_THRESHOLDS, expiryWarningHours: 24 };
      expect(expiring([created(T0, KEY, T0 + 2 * DAY), used(T0 + DAY + HOUR)])).toEqual([]);
      expect(expiring([created(T0, KEY, T0 + 2 * DAY), used(T0 + DAY + HOUR)], t)).toHaveLength(1);
    });

    describe('as time passes, for a key in use not used in its window (a nightly or monthly job’s)', () => {
      // Another key's event: the detector's time, and nothing about KEY.
      const tick = (atMs: number) => used(atMs, '192.0.2.1', 'key-other');

      it('warns at the first event of any key inside the window, with the id a use would give and when it was last used', () => {
        const findings = expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), tick(EXPIRY - WINDOW - 1), tick(EXPIRY - 6 * DAY), tick(EXPIRY - 5 * DAY), used(EXPIRY - DAY)]);
        expect(findings).toEqual([
          {
            alertId: createHash('sha256').update(`key_expiring|${KEY}|${iso(EXPIRY)}`).digest('hex').slice(0, 32),
            rule: 'key_expiring',
            keyId: KEY,
            accountId: ACCOUNT,
            ip: null,
            windowStart: iso(EXPIRY - WINDOW),
            windowEnd: iso(EXPIRY),
            detectedAt: iso(EXPIRY - 6 * DAY),
            evidence: { expiresAt: iso(EXPIRY), secondsLeft: 6 * 86_400, warningHours: 168, lastUsedAt: iso(T0 + DAY) },
          },
        ]);
      });

      it('takes any event type for the time: a key created, revoked, changed or rolled, a failed authentication', () => {
        const others: DetectorInput[] = [created(EXPIRY - DAY, 'key-3'), revoked(EXPIRY - DAY, 'key-other'), expiryChanged(EXPIRY - DAY, null, 'key-other'), rolledOver(EXPIRY - DAY, EXPIRY, 'key-other', 'key-4'), failed(EXPIRY - DAY, '192.0.2.9')];
        for (const other of others) expect(expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), other]).map((f) => f.detectedAt)).toEqual([iso(EXPIRY - DAY)]);
      });

      it('does not warn of a key never used, until its first use in the window', () => {
        expect(expiring([created(T0, KEY, EXPIRY), tick(EXPIRY - 6 * DAY)])).toEqual([]);
        const findings = expiring([created(T0, KEY, EXPIRY), tick(EXPIRY - 6 * DAY), used(EXPIRY - 2 * DAY)]);
        expect(findings.map((f) => [f.detectedAt, f.evidence.requestId !== undefined])).toEqual([[iso(EXPIRY - 2 * DAY), true]]);
      });

      it('warns once, at a use of its own when that is the first event in the window', () => {
        const findings = expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), used(EXPIRY - 2 * DAY, '203.0.113.8'), tick(EXPIRY - DAY)]);
        expect(findings.map((f) => [f.ip, f.detectedAt])).toEqual([['203.0.113.8', iso(EXPIRY - 2 * DAY)]]);
      });

      it('follows the expiry a PATCH moved, and warns of none removed, nor of a short-lived, rolled or revoked key', () => {
        const later = EXPIRY + 20 * DAY;
        const moved = expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), expiryChanged(T0 + 2 * DAY, later), tick(EXPIRY - DAY), tick(later - DAY)]);
        expect(moved.map((f) => [f.evidence.expiresAt, f.detectedAt])).toEqual([[iso(later), iso(later - DAY)]]);
        expect(expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), expiryChanged(T0 + 2 * DAY, null), tick(EXPIRY - DAY)])).toEqual([]);
        expect(expiring([created(T0, KEY, T0 + DAY), used(T0 + HOUR), tick(T0 + 2 * HOUR)])).toEqual([]);
        expect(expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), rolledOver(T0 + 2 * DAY, EXPIRY), tick(EXPIRY - DAY)])).toEqual([]);
        expect(expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), revoked(T0 + 2 * DAY), tick(EXPIRY - DAY)])).toEqual([]);
      });

      it('does not warn of a disabled key (its uses are refused), and warns of it once enabled again inside the window', () => {
        const disabled = (atMs: number): DetectorInput => ({ type: 'KeyDisabled', data: { keyId: KEY, accountId: ACCOUNT, disabledAt: iso(atMs), actingKeyId: null } });
        const enabled = (atMs: number): DetectorInput => ({ type: 'KeyEnabled', data: { keyId: KEY, accountId: ACCOUNT, enabledAt: iso(atMs), actingKeyId: null } });
        expect(expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), disabled(T0 + 2 * DAY), tick(EXPIRY - 6 * DAY), tick(EXPIRY - DAY)])).toEqual([]);
        const findings = expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), disabled(T0 + 2 * DAY), tick(EXPIRY - 6 * DAY), enabled(EXPIRY - 3 * DAY), tick(EXPIRY - 2 * DAY)]);
        expect(findings.map((f) => f.detectedAt)).toEqual([iso(EXPIRY - 3 * DAY)]);
        // Disabled and enabled again before its window: warned when the window opens, once.
        expect(expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), disabled(T0 + 2 * DAY), enabled(T0 + 3 * DAY), tick(EXPIRY - 6 * DAY), tick(EXPIRY - 5 * DAY)])).toHaveLength(1);
      });

      it('does not warn of a key already expired at the first event after its window opened', () => {
        expect(expiring([created(T0, KEY, EXPIRY), used(T0 + DAY), tick(EXPIRY), tick(EXPIRY + DAY)])).toEqual([]);
      });

      it('warns of each key whose window one event passes, earliest first, whatever order they were created in', () => {
        // At T0 + 12 days: the key ending at day 11 has expired, the one ending at day 19 enters its window to the ms.
        const expiries = [9, 3, 7, 1, 5, 11].map((days) => T0 + (10 + days) * DAY);
        const events = expiries.flatMap((expiry, i) => [created(T0, `key-${i}`, expiry), used(T0 + HOUR, '198.51.100.1', `key-${i}`)]);
        const findings = expiring([...events, tick(T0 + 12 * DAY)]);
        expect(findings.map((f) => f.evidence.expiresAt)).toEqual([3, 5, 7, 9].map((days) => iso(T0 + (10 + days) * DAY)));
        expect(findings.every((f) => f.detectedAt === iso(T0 + 12 * DAY))).toBe(true);
      });

      it('keeps the queue through a snapshot, and queues a warned expiry again after a silent rebuild', () => {
        const first = run([created(T0, KEY, EXPIRY), used(T0 + DAY)]);
        const restored = restoreDetectorState(snapshotText(first.state, DEFAULT_ANOMALY_THRESHOLDS).split('\n'), DEFAULT_ANOMALY_THRESHOLDS)!;
        const warned = run([tick(EXPIRY - DAY)], DEFAULT_ANOMALY_THRESHOLDS, restored);
        expect(rules(warned.findings)).toEqual(['key_expiring']);
        rearmExpiryWarnings(warned.state, DEFAULT_ANOMALY_THRESHOLDS);
        const again = run([tick(EXPIRY - HOUR)], DEFAULT_ANOMALY_THRESHOLDS, warned.state).findings;
        expect(again.map((f) => f.alertId)).toEqual(warned.findings.map((f) => f.alertId));
      });
    });

    it('stops watching a key whose expiry is removed, or that is revoked', () => {
      expect(expiring([created(T0, KEY, EXPIRY), expiryChanged(T0 + DAY, null), used(EXPIRY - DAY)])).toEqual([]);
      const revokedKey = run([created(T0, KEY, EXPIRY), revoked(EXPIRY - 2 * DAY), failed(EXPIRY - DAY, '203.0.113.5', 'revoked', KEY), used(EXPIRY - HOUR)]);
      expect(rules(revokedKey.findings)).toEqual(['revoked_key_used']);
      expect(revokedKey.state.keys.get(KEY)?.expiresAtMs).toBeNull();
    });

    it('takes expiryWarningHours from the thresholds', () => {
      const t = { ...DEFAULT_ANOMALY_THRESHOLDS, expiryWarningHours: 24 };
      expect(expiring([created(T0, KEY, EXPIRY), used(EXPIRY - 2 * DAY)], t)).toEqual([]);
      const findings = expiring([created(T0, KEY, EXPIRY), used(EXPIRY - 2 * DAY), used(EXPIRY - 23 * HOUR)], t);
      expect(findings.map((f) => [f.windowStart, f.evidence.warningHours])).toEqual([[iso(EXPIRY - DAY), 24]]);
    });

    it('keeps what it watches through a snapshot: a warned expiry stays warned, an armed one fires after the restore', () => {
      const first = run([created(T0, KEY, EXPIRY), created(T0, 'key-2', EXPIRY), used(EXPIRY - DAY)]);
      const restored = restoreDetectorState(snapshotText(first.state, DEFAULT_ANOMALY_THRESHOLDS).split('\n'), DEFAULT_ANOMALY_THRESHOLDS)!;
      const after = run([used(EXPIRY - HOUR), used(EXPIRY - HOUR, '198.51.100.1', 'key-2')], DEFAULT_ANOMALY_THRESHOLDS, restored);
      expect(after.findings.map((f) => [f.rule, f.keyId])).toEqual([['key_expiring', 'key-2']]);
    });

    it('does not restore a version-3 snapshot, which armed short-lived keys', () => {
      const text = snapshotText(run([created(T0, KEY, T0 + DAY)]).state, DEFAULT_ANOMALY_THRESHOLDS);
      expect(text).toContain('"expiryWatch":"short"');
      expect(restoreDetectorState(text.replace(/"version":\d+/, '"version":3').split('\n'), DEFAULT_ANOMALY_THRESHOLDS)).toBeNull();
      expect(restoreDetectorState(text.split('\n'), DEFAULT_ANOMALY_THRESHOLDS)).not.toBeNull();
    });

    it('does not restore a snapshot of the format before expiries (version 2)', () => {
      const text = snapshotText(run([created(T0, KEY, EXPIRY)]).state, DEFAULT_ANOMALY_THRESHOLDS);
      const older = text
        .replace(/"version":\d+/, '"version":2')
        .replace(/,"expiresAtMs":[^,]*,"expiryWatch":"[a-z]+"/g, '')
        .replace(/\n\{"expiries":\[[^\]]*\]\}/, '');
      expect(older).not.toContain('expiresAtMs');
      expect(restoreDetectorState(older.split('\n'), DEFAULT_ANOMALY_THRESHOLDS)).toBeNull();
    });

    it('arms a warned expiry again after a silent rebuild: the finding comes again with the same id', () => {
      const first = run([created(T0, KEY, EXPIRY), used(EXPIRY - DAY)]);
      rearmExpiryWarnings(first.state, DEFAULT_ANOMALY_THRESHOLDS);
      const again = run([used(EXPIRY - HOUR)], DEFAULT_ANOMALY_THRESHOLDS, first.state).findings;
      expect(again.map((f) => f.alertId)).toEqual(first.findings.map((f) => f.alertId));
    });
  });

  describe('failed_auth_burst', () => {
    const burst = (count: number, startMs: number, stepMs: number, ip = '203.0.113.66') =>
      Array.from({ length: count }, (_, i) => failed(startMs + i * stepMs, ip));

    it('stays quiet at one failure fewer than failedAuthBurstCount', () => {
      expect(run(burst(19, T0, SECOND)).findings).toEqual([]);
    });

    it('fires once at failedAuthBurstCount failures from one address within the window', () => {
      const { findings } = run([...burst(40, T0, SECOND), ...burst(19, T0, SECOND, '203.0.113.67')]);
      expect(findings).toEqual([
        expect.objectContaining({
          rule: 'failed_auth_burst',
          keyId: null,
          accountId: null,
          ip: '203.0.113.66',
          windowStart: iso(T0 + 19 * SECOND - 60 * SECOND),
          windowEnd: iso(T0 + 19 * SECOND),
          evidence: expect.objectContaining({ failures: 20, threshold: 20, windowSeconds: 60 }),
        }),
      ]);
    });

    it('counts an IPv6 client by its /64, as the failed-auth guard does, so rotating addresses does not hide a burst', () => {
      // The guard limited 20 failures from 20 addresses of 2001:db8:1:2::/64 and logged its burst; the detector,
      // counting each address alone, raised nothing.
      const rotating = Array.from({ length: 25 }, (_, i) => failed(T0 + i * SECOND, `2001:db8:1:2::${(i + 1).toString(16)}`));
      const { findings } = run(rotating);
      expect(findings).toEqual([
        expect.objectContaining({
          rule: 'failed_auth_burst',
          keyId: null,
          accountId: null,
          ip: '2001:db8:1:2::14',
          evidence: expect.objectContaining({ network: '2001:db8:1:2::/64', failures: 20 }),
        }),
      ]);
      const id = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
      expect(findings[0].alertId).toBe(id(`failed_auth_burst|2001:db8:1:2::14|${findings[0].windowStart}`));
      expect(run(burst(20, T0, SECOND)).findings[0].evidence).not.toHaveProperty('network');
    });

    it('gives a burst from one IPv6 address the id every earlier version gave it, so an upgrade does not alert it twice', () => {
      // Versions before the /64 count derived the id from the address. With the /64's id, the upgrade audit saw one
      // burst from 2001:db8:5:6::7 alerted twice during a rolling upgrade (the old and the new instance's detector each
      // recorded its id, the webhook sent both), and again by a detector rebuilt from a log an older version wrote.
      const { findings } = run(burst(20, T0, SECOND, '2001:db8:5:6::7'));
      const id = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
      expect(findings[0].alertId).toBe(id(`failed_auth_burst|2001:db8:5:6::7|${iso(T0 + 19 * SECOND - 60 * SECOND)}`));
      expect(findings[0].evidence).toEqual(expect.objectContaining({ network: '2001:db8:5:6::/64' }));
    });

    it('does not count failures spread over a full window', () => {
      expect(run(burst(20, T0, (60 * SECOND) / 19)).findings).toEqual([]);
    });

    it('fires again for a burst in a later hour; one again in the same hour is counted in the hour\'s summary', () => {
      const { findings } = run([...burst(20, T0, SECOND), ...burst(20, T0 + 2 * MINUTE, SECOND), ...burst(20, T0 + HOUR + MINUTE, SECOND)]);
      expect(findings.map((f) => [f.windowEnd, f.evidence.summary ?? false])).toEqual([
        [iso(T0 + 19 * SECOND), false],
        [iso(T0 + HOUR), true],
        [iso(T0 + HOUR + MINUTE + 19 * SECOND), false],
      ]);
    });

    describe('from many networks of one holder (alert storms)', () => {
      // Reported by the receiver audit: 20 failures from each of 30 /64s of 2001:db8::/48 raised 30 alerts, 30 pages.
      const fromEach = (networks: readonly string[], startMs: number) =>
        networks.flatMap((ip, n) => burst(20, startMs + n * SECOND, 50, ip));
      const sixtyFours = Array.from({ length: 30 }, (_, n) => `2001:db8:0:${(n + 1).toString(16)}::1`);
      const slash24s = Array.from({ length: 15 }, (_, n) => `198.51.${n}.7`);

      it('alerts one /48 once an hour, naming it, and counts its other /64s in one summary when the hour ends', () => {
        const { findings } = run([...fromEach(sixtyFours, T0), failed(T0 + HOUR, '192.0.2.1')]);
        expect(findings).toHaveLength(2);
        expect(findings[0]).toEqual(
          expect.objectContaining({
            ip: '2001:db8:0:1::1',
            evidence: expect.objectContaining({ network: '2001:db8:0:1::/64', wideNetwork: '2001:db8::/48', failures: 20 }),
          }),
        );
        expect(findings[1]).toEqual({
          alertId: createHash('sha256').update(`failed_auth_burst||summary|${iso(T0)}`).digest('hex').slice(0, 32),
          rule: 'failed_auth_burst',
          keyId: null,
          accountId: null,
          ip: null,
          evidence: { summary: true, bursts: 30, alerted: 1, unalerted: 29, networkCount: 1, networks: [{ network: '2001:db8::/48', bursts: 30 }] },
          windowStart: iso(T0),
          windowEnd: iso(T0 + HOUR),
          detectedAt: iso(T0 + HOUR),
        });
      });

      it('alerts at most failedAuthBurstAlertsPerHour networks an hour, the rest in the summary, and starts again the next hour', () => {
        const { findings } = run([...fromEach(slash24s, T0), ...fromEach(slash24s.slice(0, 2), T0 + HOUR + MINUTE)]);
        const alone = findings.filter((f) => !f.evidence.summary);
        expect(alone.map((f) => f.ip)).toEqual([...slash24s.slice(0, 10), ...slash24s.slice(0, 2)]);
        const summaries = findings.filter((f) => f.evidence.summary);
        expect(summaries).toHaveLength(1);
        expect(summaries[0].evidence).toEqual(
          expect.objectContaining({ bursts: 15, alerted: 10, unalerted: 5, networkCount: 15 }),
        );
        expect(run(fromEach(slash24s, T0), { ...DEFAULT_ANOMALY_THRESHOLDS, failedAuthBurstAlertsPerHour: 3 }).findings).toHaveLength(3);
      });

      it('raises no summary for an hour whose every burst was alerted', () => {
        const { findings } = run([...fromEach(slash24s.slice(0, 3), T0), failed(T0 + 2 * HOUR, '192.0.2.1')]);
        expect(findings.map((f) => f.evidence.summary ?? false)).toEqual([false, false, false]);
      });

      it('closes the hour by the clock a minute after its end; a late burst then counts in the next hour, whose summary says it', () => {
        const quiet = run(fromEach(slash24s, T0));
        expect(addressBurstHourPassed(quiet.state, T0 + HOUR + MINUTE - 1)).toBeNull();
        const byClock = addressBurstHourPassed(quiet.state, T0 + HOUR + MINUTE);
        const byEvent = run([...fromEach(slash24s, T0), failed(T0 + 3 * HOUR, '192.0.2.1')]).findings.at(-1);
        expect(byClock).toEqual(byEvent);
        expect(byClock?.detectedAt).toBe(iso(T0 + HOUR));
        // Logged late, with times in the closed hour: 11 networks past a cap of 10, then the next event.
        const late = run([...fromEach(slash24s.slice(0, 11), T0 + 50 * MINUTE), failed(T0 + 3 * HOUR, '192.0.2.1')], DEFAULT_ANOMALY_THRESHOLDS, quiet.state).findings;
        expect(late.filter((f) => !f.evidence.summary)).toHaveLength(10);
        expect(late.filter((f) => f.evidence.summary).map((f) => [f.windowStart, f.evidence.unalerted])).toEqual([[iso(T0 + HOUR), 1]]);
      });

      it('finds the same alerts across a snapshot taken mid-hour as without one', () => {
        const events = [...fromEach(sixtyFours, T0), ...fromEach(slash24s, T0 + 10 * MINUTE), failed(T0 + HOUR, '192.0.2.1')];
        const whole = run(events).findings;
        const half = run(events.slice(0, 400));
        const restored = restoreDetectorState(snapshotText(half.state, DEFAULT_ANOMALY_THRESHOLDS).split('\n'), DEFAULT_ANOMALY_THRESHOLDS);
        expect(restored).not.toBeNull();
        const rest = run(events.slice(400), DEFAULT_ANOMALY_THRESHOLDS, restored!).findings;
        expect([...half.findings, ...rest].map((f) => f.alertId)).toEqual(whole.map((f) => f.alertId));
        // The /48 is one of the hour's 10: 9 of the /24s more, then the summary.
        expect(whole).toHaveLength(1 + 9 + 1);
      });
    });

    describe('decoys, then a real burst', () => {
      // Found in session 54: 20 decoy bursts from 20 /24s filled the hour's 10 alerts, and a burst from a 21st /24
      // followed by a use of a real key from that /24 (a search for keys that found one) raised nothing until the
      // hour's summary, which named the first 10 networks by name and not the real one.
      const decoys = Array.from({ length: 20 }, (_, n) => `198.18.${n + 1}.7`).flatMap((ip, n) => burst(20, T0 + n * SECOND, 50, ip));
      const real = burst(20, T0 + MINUTE, 50, '203.0.113.66');
      const byRule = (findings: readonly AnomalyDetectedData[], rule: string) => findings.filter((f) => f.rule === rule);

      it('alerts the key used from the real burst\'s network to its owner, whatever decoys filled the hour\'s cap', () => {
        const { findings } = run([created(T0 - DAY), ...decoys, ...real, used(T0 + 2 * MINUTE, '203.0.113.10')]);
        expect(byRule(findings, 'failed_auth_burst')).toHaveLength(10);
        expect(byRule(findings, 'key_used_after_burst')).toEqual([
          {
            alertId: createHash('sha256').update(`key_used_after_burst|${KEY}|${iso(T0)}`).digest('hex').slice(0, 32),
            rule: 'key_used_after_burst',
            keyId: KEY,
            accountId: ACCOUNT,
            ip: '203.0.113.10',
            evidence: {
              wideNetwork: '203.0.113.0/24',
              bursts: 1,
              firstBurstAt: iso(T0 + MINUTE + 19 * 50),
              lastBurstAt: iso(T0 + MINUTE + 19 * 50),
              outcome: 'accepted',
              requestId: expect.any(String),
            },
            windowStart: iso(T0),
            windowEnd: iso(T0 + HOUR),
            detectedAt: iso(T0 + 2 * MINUTE),
          },
        ]);
      });

      it('alerts a key once an hour, only from a network that burst, only within the hour after its last burst', () => {
        const { findings } = run([
          ...real,
          used(T0 + 2 * MINUTE - 1, '198.51.100.1'),
          used(T0 + 2 * MINUTE, '203.0.113.10'),
          used(T0 + 3 * MINUTE, '203.0.113.11'),
          used(T0 + 4 * MINUTE, '203.0.113.12', 'key-2'),
          used(T0 + HOUR + MINUTE, '203.0.113.10'),
          used(T0 + 3 * HOUR, '203.0.113.10', 'key-3'),
        ]);
        expect(byRule(findings, 'key_used_after_burst').map((f) => [f.keyId, f.detectedAt])).toEqual([
          [KEY, iso(T0 + 2 * MINUTE)],
          ['key-2', iso(T0 + 4 * MINUTE)],
          [KEY, iso(T0 + HOUR + MINUTE)],
        ]);
      });

      it('counts a use refused for the key\'s policies: its right secret was presented', () => {
        const refusedUse = used(T0 + 2 * MINUTE, '203.0.113.10');
        (refusedUse.data as { outcome: string }).outcome = 'refused';
        expect(byRule(run([...real, refusedUse]).findings, 'key_used_after_burst')[0].evidence).toEqual(expect.objectContaining({ outcome: 'refused' }));
      });

      it('finds the same alerts across a snapshot taken between the burst and the use as without one', () => {
        const events = [created(T0 - DAY), ...decoys, ...real, used(T0 + 2 * MINUTE, '203.0.113.10'), failed(T0 + 2 * HOUR, '192.0.2.1')];
        const whole = run(events).findings;
        const at = events.length - 2;
        const half = run(events.slice(0, at));
        const restored = restoreDetectorState([...detectorSnapshotParts(half.state, DEFAULT_ANOMALY_THRESHOLDS)], DEFAULT_ANOMALY_THRESHOLDS);
        const rest = run(events.slice(at), DEFAULT_ANOMALY_THRESHOLDS, restored!).findings;
        expect([...half.findings, ...rest]).toEqual(whole);
        expect(byRule(whole, 'key_used_after_burst')).toHaveLength(1);
      });

      it('names in the hour\'s summary the networks with bursts not alerted, not the alerted ones', () => {
        // It listed the 10 with the most bursts, alerted or not: with 20 decoys of one burst, 198.18.1 and 198.18.10 (alerted) among them.
        const summary = run([...decoys, failed(T0 + HOUR, '192.0.2.1')]).findings.at(-1)!;
        expect(summary.evidence).toEqual(
          expect.objectContaining({
            summary: true,
            bursts: 20,
            alerted: 10,
            networkCount: 20,
            networks: Array.from({ length: 10 }, (_, n) => ({ network: `198.18.${n + 11}.0/24`, bursts: 1 })),
          }),
        );
      });

      it('alerts a network past the hour\'s cap once its bursts reach twice those of the loudest network alerted', () => {
        // The decoys are one burst each: the real network's second burst, a minute after its first, is alerted.
        const again = burst(20, T0 + 2 * MINUTE + SECOND, 50, '203.0.113.67');
        const events = [...decoys, ...real, ...again, failed(T0 + HOUR, '192.0.2.1')];
        const { findings } = run(events);
        const alone = byRule(findings, 'failed_auth_burst').filter((f) => !f.evidence.summary);
        expect(alone).toHaveLength(11);
        expect(alone[10]).toEqual(
          expect.objectContaining({
            ip: '203.0.113.67',
            evidence: expect.objectContaining({ wideNetwork: '203.0.113.0/24', pastHourCap: true, networkBursts: 2, loudestAlerted: 1 }),
          }),
        );
        expect(alone[0].evidence).not.toHaveProperty('pastHourCap');
        expect(findings.at(-1)!.evidence).toEqual(expect.objectContaining({ summary: true, bursts: 22, alerted: 11, unalerted: 11 }));
        // One burst alike the decoys is not told from them.
        expect(byRule(run([...decoys, ...real]).findings, 'failed_auth_burst')).toHaveLength(10);
        // Across a snapshot between the two bursts: the same alerts.
        const at = decoys.length + real.length;
        const half = run(events.slice(0, at));
        const restored = restoreDetectorState([...detectorSnapshotParts(half.state, DEFAULT_ANOMALY_THRESHOLDS)], DEFAULT_ANOMALY_THRESHOLDS);
        expect([...half.findings, ...run(events.slice(at), DEFAULT_ANOMALY_THRESHOLDS, restored!).findings]).toEqual(findings);
      });

      it('pages past the cap at most log2 of the loudest network\'s bursts an hour, however many networks go on', () => {
        // Every failure a burst (a second apart from one address); the cap filled by 10 networks of one burst each.
        const eachFails = { ...DEFAULT_ANOMALY_THRESHOLDS, failedAuthBurstCount: 1, failedAuthBurstWindowSeconds: 1 };
        const fill = Array.from({ length: 10 }, (_, n) => failed(T0 + n, `198.18.${n}.7`));
        // 30 networks of 100 bursts each, growing together: the first to reach 2 is alerted, and the bar grows with it.
        const together = Array.from({ length: 100 }, (_, r) => Array.from({ length: 30 }, (_, n) => failed(T0 + SECOND + r * SECOND + n, `10.0.${n}.1`))).flat();
        expect(run([...fill, ...together], eachFails).findings.filter((f) => f.evidence.pastHourCap)).toHaveLength(1);
        // The worst order: networks one after the other, each twice as loud as the last (2 + 4 + ... + 512 bursts).
        let atMs = T0 + SECOND;
        const doubling = Array.from({ length: 9 }, (_, n) => Array.from({ length: 2 ** (n + 1) }, () => failed((atMs += SECOND), `10.1.${n}.1`))).flat();
        const { findings } = run([...fill, ...doubling], eachFails);
        expect(findings.filter((f) => f.evidence.pastHourCap).map((f) => f.evidence.networkBursts)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512]);
        expect(findings).toHaveLength(10 + 9);
      });

      it('remembers at most 10,000 networks: past them, the least recent of the widest holder folded into its holder\'s entry', () => {
        const eachFails = { ...DEFAULT_ANOMALY_THRESHOLDS, failedAuthBurstCount: 1 };
        // 10.0/16 to 10.38/16 hold 256 /24s each, 10.39/16 17: the 10,001st folds 10.0.0.0/24 and 10.0.1.0/24 into 10.0.0.0/16.
        const networks = Array.from({ length: 10_001 }, (_, n) => failed(T0 + n, `10.${n >> 8}.${n & 255}.1`));
        const { state, findings } = run([...networks, used(T0 + MINUTE, '10.0.0.9'), used(T0 + MINUTE, '10.0.2.9', 'key-2')], eachFails);
        expect(state.burstNetworks.size).toBe(10_000);
        expect(['10.0.0.0/24', '10.0.1.0/24', '10.0.0.0/16', '10.0.2.0/24'].map((wide) => state.burstNetworks.has(wide))).toEqual([false, false, true, true]);
        expect(byRule(findings, 'key_used_after_burst').map((f) => [f.keyId, f.evidence.wideNetwork])).toEqual([
          [KEY, '10.0.0.0/16'],
          ['key-2', '10.0.2.0/24'],
        ]);
      });

      it('at the cap forgets a network of the widest holder (IPv6 /32, IPv4 /16), so a flood of decoys from one holder forgets its own, not the search before it', () => {
        // Found 2026-12-07 (security review): a search from one /48, then 10,000 decoy bursts from /48s of one /32
        // (200,000 failures at the default 20 a burst), forgot the search, and the key it found was used unalerted.
        const eachFails = { ...DEFAULT_ANOMALY_THRESHOLDS, failedAuthBurstCount: 1 };
        const search = [failed(T0, '2001:db8:aaaa::1'), failed(T0 + 1, '198.51.100.7')];
        const decoys = Array.from({ length: 10_000 }, (_, n) => failed(T0 + 2 + n, `2001:db9:${n.toString(16)}::1`));
        const { state, findings } = run([...search, ...decoys, used(T0 + MINUTE, '2001:db8:aaaa::2'), used(T0 + MINUTE, '198.51.100.9', 'key-2')], eachFails);
        expect(state.burstNetworks.size).toBe(10_000);
        expect(byRule(findings, 'key_used_after_burst').map((f) => f.keyId)).toEqual([KEY, 'key-2']);
        // The decoys forgotten are the flood's least recent.
        expect(state.burstNetworks.has('2001:db9::/48')).toBe(false);
        expect(state.burstNetworks.has(`2001:db9:${(9_999).toString(16)}::/48`)).toBe(true);
      });

      it('at the cap keeps what a flood from the search\'s own holder forgets in an entry of that holder, so the key found is still alerted', () => {
        const eachFails = { ...DEFAULT_ANOMALY_THRESHOLDS, failedAuthBurstCount: 1 };
        const search = failed(T0, '2001:db8:aaaa::1');
        const decoys = Array.from({ length: 10_000 }, (_, n) => failed(T0 + 1 + n, `2001:db8:${(n + 1).toString(16)}::1`));
        const { state, findings } = run([search, ...decoys, used(T0 + MINUTE, '2001:db8:aaaa::2')], eachFails);
        expect(state.burstNetworks.size).toBe(10_000);
        expect(state.burstNetworks.has('2001:db8:aaaa::/48')).toBe(false);
        expect(byRule(findings, 'key_used_after_burst')).toEqual([expect.objectContaining({ keyId: KEY, evidence: expect.objectContaining({ wideNetwork: '2001:db8::/32' }) })]);
        // Two networks folded first, then one at each burst: the holder's entry holds every burst forgotten.
        expect(state.burstNetworks.get('2001:db8::/32')?.bursts).toBe(10_001 - 9_999);
      });
    });

    describe('of a recognised key', () => {
      const refused = (count: number, startMs: number, reason: AuthenticationFailureReason, keyId = KEY) =>
        Array.from({ length: count }, (_, i) => failed(startMs + i * SECOND, `10.12.${i}.1`, reason, keyId));

      it('counts the refused uses of one key, from any addresses, and alerts the key and its account', () => {
        const { findings } = run([created(T0 - HOUR), ...refused(25, T0, 'forbidden_address')]);
        expect(findings).toEqual([
          expect.objectContaining({
            rule: 'failed_auth_burst',
            keyId: KEY,
            accountId: ACCOUNT,
            ip: '10.12.19.1',
            windowStart: iso(T0 + 19 * SECOND - 60 * SECOND),
            windowEnd: iso(T0 + 19 * SECOND),
            evidence: expect.objectContaining({ reason: 'forbidden_address', failures: 20, threshold: 20, windowSeconds: 60 }),
          }),
        ]);
      });

      it('counts them on the key when no address came with them (a verify without context.ip), ip null', () => {
        const events = Array.from({ length: 20 }, (_, i) => failed(T0 + i * SECOND, null, 'disabled', KEY));
        expect(run(events).findings).toEqual([expect.objectContaining({ rule: 'failed_auth_burst', keyId: KEY, ip: null })]);
      });

      it('counts them on the key only: from one address, no unowned burst of that address as well', () => {
        const events = Array.from({ length: 20 }, (_, i) => failed(T0 + i * SECOND, '10.12.0.1', 'insufficient_permissions', KEY));
        expect(run(events).findings.map((f) => [f.keyId, f.accountId])).toEqual([[KEY, ACCOUNT]]);
      });

      it('counts each reason apart, and each key apart', () => {
        const mixed = [...refused(19, T0, 'forbidden_address'), ...refused(1, T0 + 30 * SECOND, 'insufficient_permissions')];
        expect(run(mixed).findings).toEqual([]);
        const twoKeys = [...refused(10, T0, 'disabled'), ...refused(10, T0, 'disabled', 'key-2')];
        expect(run(twoKeys).findings).toEqual([]);
        const both = run([...refused(20, T0, 'expired'), ...refused(20, T0, 'disabled')]).findings;
        expect(both.map((f) => f.evidence.reason)).toEqual(['expired', 'disabled']);
        expect(both[0].alertId).not.toBe(both[1].alertId);
      });

      it('fires once per window, again after it, with ids from rule, key, reason and window', () => {
        const { findings } = run([...refused(30, T0, 'forbidden_address'), ...refused(20, T0 + 2 * MINUTE, 'forbidden_address')]);
        expect(findings.map((f) => f.windowEnd)).toEqual([iso(T0 + 19 * SECOND), iso(T0 + 2 * MINUTE + 19 * SECOND)]);
        const id = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
        expect(findings[0].alertId).toBe(id(`failed_auth_burst|${KEY}|forbidden_address|${findings[0].windowStart}`));
        expect(run([...refused(30, T0, 'forbidden_address')]).findings[0].alertId).toBe(findings[0].alertId);
      });

      it('says a burst of a revoked key once, as the hourly revoked_key_used, not again as a burst', () => {
        const { findings } = run([created(T0 - HOUR), revoked(T0 - MINUTE), ...refused(20, T0, 'revoked')]);
        expect(findings.map((f) => [f.rule, f.keyId, f.accountId])).toEqual([['revoked_key_used', KEY, ACCOUNT]]);
      });

      it('keeps what it counts through a snapshot', () => {
        const first = run(refused(10, T0, 'forbidden_address'));
        const restored = restoreDetectorState(snapshotText(first.state, DEFAULT_ANOMALY_THRESHOLDS).split('\n'), DEFAULT_ANOMALY_THRESHOLDS)!;
        expect(run(refused(10, T0 + 10 * SECOND, 'forbidden_address'), DEFAULT_ANOMALY_THRESHOLDS, restored).findings).toHaveLength(1);
      });
    });

    describe('of expired keys a batch goes on retrying (grouped by account, bounded an hour)', () => {
      // Found 2026-12-07 (docs/operations.md, many keys ending at one instant): 300 keys that expired together, each
      // retried 21 times by a batch job, raised 300 alerts and 300 webhooks, and again each minute the retries went on.
      const keyIds = (count: number, prefix = 'batch') => Array.from({ length: count }, (_, n) => `${prefix}-${String(n).padStart(3, '0')}`);
      const refusal = (atMs: number, keyId: string, reason: AuthenticationFailureReason, accountId = ACCOUNT): DetectorInput => ({
        type: 'AuthenticationFailed',
        data: { failedAt: iso(atMs), requestId: `req-${++requests}`, ip: '10.20.0.1', userAgent: null, method: 'GET', path: '/v1/parses', reason, keyId, accountId },
      });
      /** `rounds` rounds of retries 2 s apart from `startMs`, each presenting every key once (5 ms apart). */
      const retries = (keys: readonly string[], startMs: number, rounds: number, reason: AuthenticationFailureReason = 'expired', accountId = ACCOUNT) =>
        Array.from({ length: rounds }, (_, round) => keys.map((keyId, n) => refusal(startMs + round * 2 * SECOND + n * 5, keyId, reason, accountId))).flat();
      const batch = keyIds(300);
      const nextHour = failed(T0 + HOUR + 2 * MINUTE, '192.0.2.1');
      const summaries = (findings: readonly AnomalyDetectedData[]) => findings.filter((f) => f.evidence.summary);
      const ofKeys = (findings: readonly AnomalyDetectedData[]) => findings.filter((f) => f.rule === 'failed_auth_burst' && f.keyId !== null);

      it('given 300 keys expired together, each retried 21 times: 10 keys alerted, then one summary of the account naming the rest', () => {
        const { findings } = run([...retries(batch, T0, 21), nextHour]);
        expect(ofKeys(findings).map((f) => [f.keyId, f.evidence.reason])).toEqual(batch.slice(0, 10).map((keyId) => [keyId, 'expired']));
        expect(findings).toHaveLength(11);
        expect(summaries(findings)).toEqual([
          {
            alertId: createHash('sha256').update(`failed_auth_burst||expired|${ACCOUNT}|summary|${iso(T0)}`).digest('hex').slice(0, 32),
            rule: 'failed_auth_burst',
            keyId: null,
            accountId: ACCOUNT,
            ip: null,
            evidence: {
              summary: true,
              reason: 'expired',
              bursts: 300,
              alerted: 10,
              unalerted: 290,
              keyCount: 300,
              keys: batch.slice(10, 20).map((keyId) => ({ keyId, bursts: 1 })),
            },
            windowStart: iso(T0),
            windowEnd: iso(T0 + HOUR),
            detectedAt: iso(T0 + HOUR),
          },
        ]);
      });

      it('when the retries go on for 10 minutes: still 10 alerts that hour, the summary counts every burst, the next hour alerts 10 again', () => {
        const thirty = keyIds(30);
        const { findings } = run([...retries(thirty, T0, 300), ...retries(thirty, T0 + HOUR, 21), failed(T0 + 2 * HOUR + 2 * MINUTE, '192.0.2.1')]);
        const firstHour = findings.filter((f) => f.detectedAt <= iso(T0 + HOUR));
        expect(ofKeys(firstHour).map((f) => f.keyId)).toEqual(thirty.slice(0, 10));
        // 600 s of retries: each key bursts at 38 s, then once each 60 s of quiet it is counted again (10 bursts a key).
        expect(summaries(firstHour).map((f) => f.evidence)).toEqual([
          expect.objectContaining({ bursts: 300, alerted: 10, unalerted: 290, keyCount: 30, keys: thirty.slice(10, 20).map((keyId) => ({ keyId, bursts: 10 })) }),
        ]);
        const secondHour = findings.filter((f) => f.detectedAt > iso(T0 + HOUR));
        expect(ofKeys(secondHour).map((f) => f.keyId)).toEqual(thirty.slice(0, 10));
        expect(summaries(secondHour).map((f) => [f.windowStart, f.evidence.unalerted])).toEqual([[iso(T0 + HOUR), 20]]);
      });

      it('a revoked, a disabled (leaked) key and one from a forbidden address among them are alerted all the same, past the cap', () => {
        const events = [
          created(T0 - DAY, 'key-leaked'),
          leakReported(T0 - HOUR, 'key-leaked', 'disabled'),
          revoked(T0 - HOUR, 'key-revoked'),
          ...retries(batch, T0, 21),
          ...retries(['key-revoked'], T0 + 50 * SECOND, 21, 'revoked'),
          ...retries(['key-leaked'], T0 + 50 * SECOND, 21, 'disabled'),
          ...retries(['key-elsewhere'], T0 + 50 * SECOND, 21, 'forbidden_address'),
          nextHour,
        ];
        const { findings } = run(events);
        // The leak report's own key_leaked aside: what the refusals raised.
        const late = findings.filter((f) => f.rule !== 'key_leaked' && ['key-revoked', 'key-leaked', 'key-elsewhere'].includes(f.keyId ?? ''));
        expect(late.map((f) => [f.rule, f.keyId, f.evidence.reason])).toEqual([
          ['revoked_key_used', 'key-revoked', 'revoked'],
          ['failed_auth_burst', 'key-leaked', 'disabled'],
          ['failed_auth_burst', 'key-elsewhere', 'forbidden_address'],
        ]);
        expect(ofKeys(findings).filter((f) => f.evidence.reason === 'expired')).toHaveLength(10);
        expect(summaries(findings).map((f) => [f.evidence.reason, f.evidence.bursts])).toEqual([['expired', 300]]);
      });

      it("one account's batch fills only its own hour: another account's expired key is still alerted, each summary its own", () => {
        const { findings } = run([...retries(batch, T0, 21), ...retries(keyIds(11, 'other'), T0 + 50 * SECOND, 21, 'expired', 'globex'), nextHour]);
        expect(ofKeys(findings).filter((f) => f.accountId === 'globex').map((f) => f.keyId)).toEqual(keyIds(10, 'other'));
        expect(summaries(findings).map((f) => [f.accountId, f.evidence.unalerted])).toEqual([
          [ACCOUNT, 290],
          ['globex', 1],
        ]);
        expect(new Set(summaries(findings).map((f) => f.alertId)).size).toBe(2);
      });

      it('replays to the same alerts, across a snapshot taken mid-hour too; the clock closes the hour as the next event would', () => {
        const events = [...retries(batch, T0, 21), ...retries(batch, T0 + 10 * MINUTE, 21), nextHour];
        const whole = run(events).findings;
        expect(run(events).findings).toEqual(whole);
        const cut = 300 * 21 + 1234;
        const first = run(events.slice(0, cut));
        const restored = restoreDetectorState([...detectorSnapshotParts(first.state, DEFAULT_ANOMALY_THRESHOLDS)], DEFAULT_ANOMALY_THRESHOLDS)!;
        expect(restored).toEqual(first.state);
        expect([...first.findings, ...run(events.slice(cut), DEFAULT_ANOMALY_THRESHOLDS, restored).findings]).toEqual(whole);

        const quiet = run(events.slice(0, -1));
        expect(burstHoursPassed(quiet.state, T0 + HOUR + MINUTE - 1)).toEqual([]);
        expect(burstHoursPassed(quiet.state, T0 + HOUR + MINUTE)).toEqual(summaries(whole));
      });

      it('holds one small entry per key refused as expired in the open hour, and none once the hour is closed', () => {
        const { state } = run(retries(batch, T0, 21));
        expect(state.expiredKeyBurstHour?.accounts.get(ACCOUNT)?.keys.size).toBe(300);
        run([nextHour], DEFAULT_ANOMALY_THRESHOLDS, state);
        expect(state.expiredKeyBurstHour).toBeNull();
      });
    });
  });

  describe('uses refused for the key’s policies', () => {
    const refused = (atMs: number, ip: string): DetectorInput => {
      const use = used(atMs, ip) as Extract<DetectorInput, { type: 'KeyUsed' }>;
      return { ...use, data: { ...use.data, outcome: 'refused' } };
    };

    it('are no traffic of the key: no rule fires on them, and none learns from them', () => {
      const established = Array.from({ length: 100 }, (_, i) => used(T0 + i * 15 * MINUTE, '198.51.100.7'));
      // A prober on a new network (a spike's worth of requests) while the key is dormant: its failures say it.
      const probes = Array.from({ length: 200 }, (_, i) => refused(T0 + 40 * DAY + i * 100, `203.0.113.${i % 50}`));
      const { state, findings } = run([created(T0), ...established, ...probes]);
      expect(findings).toEqual([]);
      expect(state.keys.get(KEY)).toMatchObject({ uses: 100, lastUseMs: T0 + 99 * 15 * MINUTE });
      // Its network was not learned: the key's first served use from it is new.
      expect(rules(run([used(T0 + 41 * DAY, '203.0.113.9')], DEFAULT_ANOMALY_THRESHOLDS, state).findings)).toEqual(['dormant_key_active', 'new_network']);
    });
  });

  describe('key_leaked', () => {
    it('raises one alert for the owning account with the report as evidence, whatever the key did before', () => {
      const { findings } = run([created(T0), leakReported(T0 + HOUR, KEY, 'disabled')]);
      expect(findings).toEqual([
        {
          alertId: createHash('sha256').update(`key_leaked|${KEY}|report|${iso(T0 + HOUR)}|https://github.com/o/r/blob/abc/.env`).digest('hex').slice(0, 32),
          rule: 'key_leaked',
          keyId: KEY,
          accountId: ACCOUNT,
          ip: null,
          evidence: { scanner: 'github', tokenType: 'parsesphere_api_key', sourceUrl: 'https://github.com/o/r/blob/abc/.env', source: 'content', action: 'disabled' },
          windowStart: iso(T0 + HOUR),
          windowEnd: iso(T0 + HOUR),
          detectedAt: iso(T0 + HOUR),
        },
      ]);
    });

    it('raises one alert per report recorded: a second place, also at the same instant, is a second alert', () => {
      const elsewhere = leakReported(T0 + HOUR);
      (elsewhere.data as { sourceUrl: string }).sourceUrl = 'https://github.com/fork/r/blob/abc/.env';
      const { findings } = run([created(T0), leakReported(T0 + HOUR), elsewhere, leakReported(T0 + 2 * HOUR)]);
      expect(new Set(findings.map((found) => found.alertId)).size).toBe(3);
      // Deterministic from the events: a replay raises the same ids.
      expect(run([created(T0), leakReported(T0 + HOUR), elsewhere, leakReported(T0 + 2 * HOUR)]).findings.map((found) => found.alertId)).toEqual(findings.map((found) => found.alertId));
    });

    it('gives a report of a key the detector never saw created its alert too (a detector started after the key)', () => {
      expect(rules(run([leakReported(T0)]).findings)).toEqual(['key_leaked']);
    });
  });

  describe('ordinary traffic', () => {
    it('raises nothing for ~10 uses a minute from 3 addresses of one /24 over 3 days, with stray failures', () => {
      const random = seededRandom(42);
      const events: DetectorInput[] = [created(T0 - HOUR)];
      for (let minute = 0; minute < 3 * 24 * 60; minute++) {
        const count = 7 + Math.floor(random() * 7);
        const offsets = Array.from({ length: count }, () => Math.floor(random() * MINUTE)).sort((a, b) => a - b);
        for (const offset of offsets) {
          events.push(used(T0 + minute * MINUTE + offset, `198.51.100.${10 + Math.floor(random() * 3)}`));
        }
        if (random() < 1 / 45) {
          events.push(failed(T0 + minute * MINUTE + 59 * SECOND, `192.0.2.${Math.floor(random() * 250)}`));
        }
      }
      const { findings } = run(events);
      expect(events.length).toBeGreaterThan(40_000);
      expect(findings).toEqual([]);
    });
  });

  describe('determinism and purity', () => {
    /** Every rule once, for several keys and addresses, in time order as the log holds them. */
    const mixed = (): DetectorInput[] =>
      [
        created(T0, 'key-dormant'),
        used(T0 + 31 * DAY, '198.51.100.1', 'key-dormant'),
        ...steadyMinutes(0, 30, 5),
        ...minuteOfUses(30, 80),
        ...Array.from({ length: 10 }, (_, i) => used(T0 + 40 * MINUTE + i * SECOND, `198.51.100.${100 + i}`)),
        ...Array.from({ length: 25 }, (_, i) => failed(T0 + HOUR + i * SECOND, '203.0.113.66')),
        used(T0 + HOUR + MINUTE, '203.0.113.67', 'key-found'),
        created(T0, 'key-revoked'),
        revoked(T0 + HOUR, 'key-revoked'),
        failed(T0 + 2 * HOUR, '203.0.113.70', 'revoked', 'key-revoked'),
        ...Array.from({ length: 100 }, (_, i) => used(T0 + i * 15 * MINUTE, '198.51.100.1', 'key-net')),
        used(T0 + 25 * HOUR, '2001:db8:9::1', 'key-net'),
        created(T0, 'key-expiring', T0 + 10 * DAY),
        expiryChanged(T0 + HOUR, T0 + 9 * DAY, 'key-expiring'),
        used(T0 + 4 * DAY, '198.51.100.1', 'key-expiring'),
        created(T0, 'key-leaked'),
        leakReported(T0 + 3 * HOUR, 'key-leaked'),
        revoked(T0 + 3 * HOUR, 'key-leaked'),
      ].sort((a, b) => timeOf(a)! - timeOf(b)!);

    it('gives deep-equal findings when the same sequence is replayed from the initial state', () => {
      const events = mixed();
      const first = run(events);
      expect([...new Set(rules(first.findings))].sort()).toEqual([...ANOMALY_RULES].sort());
      expect(run(events).findings).toEqual(first.findings);
    });

    it('gives the same alert ids for the same traffic with other request ids', () => {
      const ids = (findings: AnomalyDetectedData[]) => findings.map((f) => f.alertId);
      expect(ids(run(mixed()).findings)).toEqual(ids(run(mixed()).findings));
    });

    it('derives alert ids from rule, subject and window only', () => {
      const { findings } = run(mixed());
      const id = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
      const burst = findings.find((f) => f.rule === 'failed_auth_burst')!;
      expect(burst.alertId).toBe(id(`failed_auth_burst|203.0.113.66|${burst.windowStart}`));
      const spike = findings.find((f) => f.rule === 'rate_spike')!;
      expect(spike.alertId).toBe(id(`rate_spike|${KEY}|2026-03-02T00:30:00.000Z`));
      const network = findings.find((f) => f.rule === 'new_network')!;
      expect(network.alertId).toBe(id('new_network|key-net|2001:db8:9::/48'));
      expect(findings.every((f) => /^[0-9a-f]{32}$/.test(f.alertId))).toBe(true);
    });

    it('gives equal findings and leaves equal states from equal states', () => {
      const { state } = run(steadyMinutes(0, 30, 5));
      const copy = structuredClone(state);
      const spikeMinute = minuteOfUses(30, 60);
      const once = run(spikeMinute, DEFAULT_ANOMALY_THRESHOLDS, state);
      const twice = run(spikeMinute, DEFAULT_ANOMALY_THRESHOLDS, copy);
      expect(rules(once.findings)).toEqual(['rate_spike']);
      expect(twice.findings).toEqual(once.findings);
      expect(copy).toEqual(state);
    });

    it('never puts key material in a finding', () => {
      const text = JSON.stringify(run(mixed()).findings);
      expect(text).not.toContain('f'.repeat(64));
      expect(text).not.toContain('sk_');
    });

    it('resumes from a snapshot taken anywhere with exactly the findings of an uninterrupted run', () => {
      const events = mixed();
      const whole = run(events);
      for (const cut of [1, 40, 160, 200, events.length - 1]) {
        const before = run(events.slice(0, cut));
        const text = snapshotText(before.state, DEFAULT_ANOMALY_THRESHOLDS);
        const restored = restoreDetectorState(text.split('\n'), DEFAULT_ANOMALY_THRESHOLDS)!;
        expect(restored).toEqual(before.state);
        const after = run(events.slice(cut), DEFAULT_ANOMALY_THRESHOLDS, restored);
        expect([cut, [...before.findings, ...after.findings]]).toEqual([cut, whole.findings]);
      }
    });

    it('ignores a snapshot taken under other thresholds, in another format, or cut short', () => {
      const text = snapshotText(run(mixed()).state, DEFAULT_ANOMALY_THRESHOLDS);
      expect(restoreDetectorState(text.split('\n'), { ...DEFAULT_ANOMALY_THRESHOLDS, spikeFactor: 4 })).toBeNull();
      expect(restoreDetectorState(text.replace(/"version":\d+/, '"version":0').split('\n'), DEFAULT_ANOMALY_THRESHOLDS)).toBeNull();
      expect(restoreDetectorState(text.slice(0, text.length / 2).split('\n'), DEFAULT_ANOMALY_THRESHOLDS)).toBeNull();
      // A part lost (a save that replaced it while it was read): each section's count tells.
      for (let lost = 1; lost < text.split('\n').length; lost++) {
        expect(restoreDetectorState(text.split('\n').filter((_, part) => part !== lost), DEFAULT_ANOMALY_THRESHOLDS)).toBeNull();
      }
    });

    it('leaves the state as it was for an event of another type, whatever time it carries', () => {
      const { state } = run(steadyMinutes(0, 3, 5));
      const before = structuredClone(state);
      const foreign = { type: 'KeyRenamed', data: { keyId: KEY, revokedAt: iso(T0 + DAY) } } as unknown as DetectorInput;
      expect(detect(state, foreign)).toEqual([]);
      expect(state).toEqual(before);
    });

    it('skips an event whose time carries no zone instead of reading it in the host zone', () => {
      const start = initialDetectorState();
      const event = used(T0);
      const local = { type: 'KeyUsed', data: { ...event.data, usedAt: '2026-03-02T00:00:00' } } as DetectorInput;
      expect(detect(start, local)).toEqual([]);
      expect(start).toEqual(initialDetectorState());
    });
  });

  describe('bounded state', () => {
    it('keeps a small state after 100k events over 10 days from many addresses and networks', () => {
      const random = seededRandom(7);
      const keys = ['key-a', 'key-b', 'key-c'];
      const state = initialDetectorState();
      let findings = 0;
      const step = (10 * DAY) / 100_000;
      for (let i = 0; i < 100_000; i++) {
        const atMs = T0 + Math.floor(i * step);
        const event =
          i % 10 === 0
            ? failed(atMs, `192.0.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`)
            : used(atMs, `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.1`, keys[i % keys.length]);
        findings += detect(state, event).length;
      }
      const size = detectorStateSize(state);
      const t = DEFAULT_ANOMALY_THRESHOLDS;
      expect(findings).toBeGreaterThan(0);
      expect(size.keys).toBe(3);
      expect(size.maxMinuteBucketsPerKey).toBeGreaterThan(t.spikeBaselineMinutes - 5);
      expect(size.maxMinuteBucketsPerKey).toBeLessThanOrEqual(t.spikeBaselineMinutes + 2);
      expect(size.maxAddressesPerKey).toBeLessThanOrEqual(t.manyAddressesCount);
      expect(size.maxNetworksPerKey).toBe(t.maxKnownNetworks);
      expect(size.maxFailureTimesPerIp).toBeLessThanOrEqual(t.failedAuthBurstCount);
      // Failures arrive every ~86 s here, so only the addresses of the last one or two windows remain.
      expect(size.ips).toBeLessThanOrEqual(2);
    });
  });
});

describe('the detector forgets a key\'s addresses (docs/personal-data.md)', () => {
  it('drops the addresses of a key no longer used from its state and snapshot, within the window and two hours, with other keys\' events going on', () => {
    const state = initialDetectorState();
    for (let i = 0; i < 5; i++) detect(state, used(T0 + i * SECOND, `203.0.113.${i + 1}`, 'quiet-key'));
    expect(state.keys.get('quiet-key')!.addresses.size).toBe(5);
    // Another key goes on being used, a use every 10 minutes, for three hours.
    for (let at = T0 + 10 * MINUTE; at <= T0 + 3 * HOUR; at += 10 * MINUTE) detect(state, used(at, '198.51.100.9', 'busy-key'));
    expect(state.keys.get('quiet-key')!.addresses.size).toBe(0);
    // Its network stays, for new_network, until the key is revoked; no address of it does.
    const snapshot = snapshotText(state, DEFAULT_ANOMALY_THRESHOLDS);
    expect(snapshot).toContain('203.0.113.0/24');
    expect(snapshot).not.toMatch(/203\.0\.113\.[1-5]\b/);
    expect(state.keys.get('busy-key')!.addresses.size).toBe(1);
  });

  it('still finds many_addresses for a key used again from addresses inside the window', () => {
    const state = initialDetectorState();
    const findings: AnomalyDetectedData[] = [];
    // Across an hour boundary (a sweep): nine addresses before it, the tenth after it, all within 5 minutes.
    const start = T0 + HOUR - 2 * MINUTE;
    for (let i = 0; i < 10; i++) findings.push(...detect(state, used(start + i * 20 * SECOND, `192.0.2.${i + 1}`)));
    expect(findings.map((finding) => finding.rule)).toEqual(['many_addresses']);
  });
});
