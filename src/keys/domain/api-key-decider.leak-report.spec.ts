import { DeciderSpecification } from '../../shared/domain/testing/decider-specification.js';
import { apiKeyDecider, LEAK_PLACES_RECORDED, LEAK_REPORT_TEXT_BOUNDS, type ReportKeyLeak } from './api-key-decider.js';
import { KeyNotFound } from './api-key-errors.js';
import type { KeyCreated, KeyDisabled, KeyEnabled, KeyExpired, KeyLeakReported, KeyRevoked, LeakAction } from './api-key-events.js';
import { generateApiKey } from './api-key-secret.js';

const keyId = '550e8400-e29b-41d4-a716-446655440000';
const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
const T2 = '2026-01-03T00:00:00.000Z';
const spec = DeciderSpecification.for(apiKeyDecider);

const created: KeyCreated = {
  type: 'KeyCreated',
  schemaVersion: 2,
  data: {
    keyId,
    accountId: 'acme',
    name: null,
    prefix: 'sk_abcdefghi',
    secretHash: 'a'.repeat(64),
    rateLimit: { requests: 100, perSeconds: 60 },
    createdAt: T0,
    actingKeyId: null,
    permissions: ['*'],
    allowedIps: [],
    expiresAt: null,
    rolledFromKeyId: null,
  },
};
const report = (policy: ReportKeyLeak['policy'], fields: Partial<ReportKeyLeak> = {}): ReportKeyLeak => ({
  type: 'ReportKeyLeak',
  keyId,
  accountId: 'acme',
  now: T1,
  scanner: 'github',
  tokenType: 'parsesphere_api_key',
  sourceUrl: 'https://github.com/octocat/hello/blob/abc/config.js',
  source: 'content',
  policy,
  ...fields,
});
const reported = (action: LeakAction, data: Partial<KeyLeakReported['data']> = {}): KeyLeakReported => ({
  type: 'KeyLeakReported',
  schemaVersion: 1,
  data: {
    keyId,
    accountId: 'acme',
    reportedAt: T1,
    scanner: 'github',
    tokenType: 'parsesphere_api_key',
    sourceUrl: 'https://github.com/octocat/hello/blob/abc/config.js',
    source: 'content',
    action,
    ...data,
  },
});
const revokedByReport: KeyRevoked = { type: 'KeyRevoked', schemaVersion: 1, data: { keyId, accountId: 'acme', revokedAt: T1, actingKeyId: null } };
const disabledByReport: KeyDisabled = { type: 'KeyDisabled', schemaVersion: 1, data: { keyId, accountId: 'acme', disabledAt: T1, actingKeyId: null } };

describe('apiKeyDecider: a scanner reports a key found in public (ReportKeyLeak)', () => {
  it('records the report and revokes the key under the revoke policy', () => {
    spec.given([created]).when(report('revoke')).then([reported('revoked'), revokedByReport]);
  });

  it('records the report and disables the key under the disable policy', () => {
    spec.given([created]).when(report('disable')).then([reported('disabled'), disabledByReport]);
  });

  it('records the report alone under the notify policy', () => {
    spec.given([created]).when(report('notify')).then([reported('none')]);
  });

  it('appends nothing for a report of a place already recorded (a retry), whatever the policy', () => {
    spec.given([created, reported('revoked'), revokedByReport]).when(report('revoke', { now: T2 })).thenNothing();
    spec.given([created, reported('none')]).when(report('revoke', { now: T2 })).thenNothing();
    // Recorded as redacted: the same URL with credentials is the same place.
    spec.given([created, reported('none')]).when(report('notify', { sourceUrl: 'https://u:p@github.com/octocat/hello/blob/abc/config.js' })).thenNothing();
    spec.given([created, reported('none', { sourceUrl: null })]).when(report('notify', { sourceUrl: null })).thenNothing();
  });

  it('records each new place the key is found in, and acts again on a key that works again', () => {
    const placeB = 'https://github.com/other/place/blob/def/.env';
    spec.given([created, reported('none')]).when(report('notify', { now: T2, sourceUrl: placeB })).then([reported('none', { reportedAt: T2, sourceUrl: placeB })]);
    const enabled: KeyEnabled = { type: 'KeyEnabled', schemaVersion: 1, data: { keyId, accountId: 'acme', enabledAt: T1, actingKeyId: 'k_owner' } };
    spec
      .given([created, reported('disabled'), disabledByReport, enabled])
      .when(report('disable', { now: T2, sourceUrl: placeB }))
      .then([reported('disabled', { reportedAt: T2, sourceUrl: placeB }), { ...disabledByReport, data: { ...disabledByReport.data, disabledAt: T2 } }]);
    // The place the owner knew of when enabling it: a retry, not acted on again.
    spec.given([created, reported('disabled'), disabledByReport, enabled]).when(report('disable', { now: T2 })).thenNothing();
  });

  it(`records at most ${LEAK_PLACES_RECORDED} places, then only a report that acts on the key`, () => {
    const place = (n: number): string => `https://github.com/fork${n}/hello/blob/abc/config.js`;
    const full = Array.from({ length: LEAK_PLACES_RECORDED }, (_, n) => reported('none', { sourceUrl: place(n) }));
    spec.given([created, ...full.slice(1)]).when(report('notify', { sourceUrl: place(0) })).then([reported('none', { sourceUrl: place(0) })]);
    spec.given([created, ...full]).when(report('notify', { now: T2, sourceUrl: place(LEAK_PLACES_RECORDED) })).thenNothing();
    spec
      .given([created, ...full])
      .when(report('revoke', { now: T2, sourceUrl: place(LEAK_PLACES_RECORDED) }))
      .then([reported('revoked', { reportedAt: T2, sourceUrl: place(LEAK_PLACES_RECORDED) }), { ...revokedByReport, data: { ...revokedByReport.data, revokedAt: T2 } }]);
  });

  it('records a report of a key already revoked or expired without an action', () => {
    const revokedBefore: KeyRevoked = { ...revokedByReport, data: { ...revokedByReport.data, revokedAt: T0, actingKeyId: 'k_admin' } };
    spec.given([created, revokedBefore]).when(report('revoke')).then([reported('none')]);
    const expired: KeyExpired = { type: 'KeyExpired', schemaVersion: 1, data: { keyId, accountId: 'acme', expiredAt: T0, reason: 'expires_at' } };
    spec.given([created, expired]).when(report('disable')).then([reported('none')]);
    // Past its end by time, its KeyExpired not yet appended.
    spec.given([{ ...created, data: { ...created.data, expiresAt: T0 } }]).when(report('revoke')).then([reported('none')]);
  });

  it('revokes a disabled key, and leaves it as it is under the disable policy', () => {
    const disabledBefore: KeyDisabled = { ...disabledByReport, data: { ...disabledByReport.data, disabledAt: T0 } };
    spec.given([created, disabledBefore]).when(report('revoke')).then([reported('revoked'), revokedByReport]);
    spec.given([created, disabledBefore]).when(report('disable')).then([reported('none')]);
  });

  it('records a key found in the URL redacted, and bounds every text of the report', () => {
    const key = generateApiKey();
    const longType = 't'.repeat(500);
    spec
      .given([created])
      .when(report('notify', { sourceUrl: `https://github.com/o/r/blob/abc/.env?k=${key}`, tokenType: longType, source: null }))
      .then([
        reported('none', {
          sourceUrl: `https://github.com/o/r/blob/abc/.env?k=${key.slice(0, 12)}…[redacted]`,
          tokenType: `${'t'.repeat(LEAK_REPORT_TEXT_BOUNDS.tokenType - 1)}…`,
          source: null,
        }),
      ]);
  });

  it("records the URL without a user name or password: the log is immutable, and the alert's webhook carries it", () => {
    spec
      .given([created])
      .when(report('notify', { sourceUrl: 'https://alice:hunter2@github.com/o/r/blob/abc/.env#L3' }))
      .then([reported('none', { sourceUrl: 'https://github.com/o/r/blob/abc/.env#L3' })]);
    spec
      .given([created])
      .when(report('notify', { sourceUrl: 'HTTPS://token@example.com/a@b' }))
      .then([reported('none', { sourceUrl: 'HTTPS://example.com/a@b' })]);
  });

  it('finds no key of another account, nor a key that does not exist', () => {
    spec.given([created]).when(report('revoke', { accountId: 'globex' })).thenThrows(KeyNotFound, (error) => error.keyId === keyId);
    spec.given([]).when(report('revoke')).thenThrows(KeyNotFound);
  });
});
