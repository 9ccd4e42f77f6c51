import { fold } from '../../shared/domain/decider.js';
import { DeciderSpecification } from '../../shared/domain/testing/decider-specification.js';
import { type Actor, type ApiKeyCommand, apiKeyDecider, type CreateApiKey } from './api-key-decider.js';
import {
  AllowedIpsInvalid,
  EscalationRefused,
  ExpiryInvalid,
  KeyAlreadyExists,
  KeyNotChangeable,
  KeyNotFound,
  NameInvalid,
  PermissionsInvalid,
  RateLimitInvalid,
  RollInvalid,
} from './api-key-errors.js';
import type { KeyCreated, KeyDisabled, KeyEnabled, KeyExpired, KeyRevoked, KeyRolled, KeySecretReissued, KeyUpdated } from './api-key-events.js';
import { generateApiKey } from './api-key-secret.js';

const keyId = '550e8400-e29b-41d4-a716-446655440000';
const successorKeyId = '550e8400-e29b-41d4-a716-446655440001';
const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
/** An acting key without end and with the widest limit: bounded by nothing but its permissions and addresses. */
const unbounded = { endsAt: null, rateLimit: { requests: 1_000_000, perSeconds: 1 } };
const admin: Actor = { keyId: 'k_admin', permissions: ['*'], allowedIps: [], ...unbounded };
const created: KeyCreated = {
  type: 'KeyCreated',
  schemaVersion: 2,
  data: {
    keyId,
    accountId: 'acme',
    name: 'Production API Key',
    prefix: 'sk_abcdefghi',
    secretHash: 'a'.repeat(64),
    rateLimit: { requests: 100, perSeconds: 60 },
    createdAt: T0,
    actingKeyId: 'k_admin',
    permissions: ['*'],
    allowedIps: [],
    expiresAt: null,
    rolledFromKeyId: null,
  },
};
const createdWith = (data: Partial<KeyCreated['data']>): KeyCreated => ({ ...created, data: { ...created.data, ...data } });
const revoked: KeyRevoked = {
  type: 'KeyRevoked',
  schemaVersion: 1,
  data: { keyId, accountId: 'acme', revokedAt: T1, actingKeyId: 'k_admin' },
};
const disabled: KeyDisabled = { type: 'KeyDisabled', schemaVersion: 1, data: { keyId, accountId: 'acme', disabledAt: T1, actingKeyId: 'k_admin' } };
const enabled: KeyEnabled = { type: 'KeyEnabled', schemaVersion: 1, data: { keyId, accountId: 'acme', enabledAt: T1, actingKeyId: 'k_admin' } };
const create: CreateApiKey = {
  type: 'CreateApiKey',
  keyId,
  accountId: 'acme',
  name: 'Production API Key',
  prefix: 'sk_abcdefghi',
  secretHash: 'a'.repeat(64),
  rateLimit: { requests: 100, perSeconds: 60 },
  defaultRateLimit: { requests: 1000, perSeconds: 60 },
  actor: admin,
  now: T0,
  permissions: null,
  allowedIps: null,
  expiresAt: null,
  maxLifetimeSeconds: null,
};
const revoke: ApiKeyCommand = { type: 'RevokeApiKey', keyId, accountId: 'acme', actor: admin, now: T1 };
const disable: ApiKeyCommand = { type: 'DisableApiKey', keyId, accountId: 'acme', actor: admin, now: T1 };
const enable: ApiKeyCommand = { type: 'EnableApiKey', keyId, accountId: 'acme', actor: admin, now: T1 };
const update = (changes: Extract<ApiKeyCommand, { type: 'UpdateApiKey' }>['changes'], actor: Actor | null = admin, maxLifetimeSeconds: number | null = null): ApiKeyCommand => ({
  type: 'UpdateApiKey',
  keyId,
  accountId: 'acme',
  actor,
  now: T1,
  changes,
  maxLifetimeSeconds,
});
const updated = (changes: KeyUpdated['data']['changes']): KeyUpdated => ({
  type: 'KeyUpdated',
  schemaVersion: 1,
  data: { keyId, accountId: 'acme', updatedAt: T1, actingKeyId: 'k_admin', changes },
});
const roll = (graceSeconds: number, closeWhenIdleSeconds: number | null = null, actor: Actor | null = admin): ApiKeyCommand => ({
  type: 'RollApiKey',
  keyId,
  accountId: 'acme',
  actor,
  now: T1,
  successorKeyId,
  graceSeconds,
  closeWhenIdleSeconds,
});
const rolled = (graceEndsAt: string, closeWhenIdleSeconds: number | null = null): KeyRolled => ({
  type: 'KeyRolled',
  schemaVersion: 1,
  data: { keyId, accountId: 'acme', successorKeyId, rolledAt: T1, graceEndsAt, closeWhenIdleSeconds, actingKeyId: 'k_admin' },
});
const expired = (expiredAt: string, reason: KeyExpired['data']['reason']): KeyExpired => ({
  type: 'KeyExpired',
  schemaVersion: 1,
  data: { keyId, accountId: 'acme', expiredAt, reason },
});
// Uses known complete up to `completeUntil` (by default `now`: the log read long enough after every instance's flush).
const expire = (now: string, lastUsedAt: string | null = null, completeUntil: string | null = now): ApiKeyCommand => ({
  type: 'ExpireApiKey',
  keyId,
  now,
  uses: { lastUsedAt, completeUntil },
});
const reissue = (actor: Actor | null = admin, accountId = 'acme'): ApiKeyCommand => ({
  type: 'ReissueKeySecret',
  keyId,
  accountId,
  actor,
  now: T1,
  prefix: 'sk_Reissued0',
  secretHash: 'b'.repeat(64),
  reason: 'idempotent_retry',
});
const reissued: KeySecretReissued = {
  type: 'KeySecretReissued',
  schemaVersion: 1,
  data: { keyId, accountId: 'acme', prefix: 'sk_Reissued0', secretHash: 'b'.repeat(64), reissuedAt: T1, reason: 'idempotent_retry', actingKeyId: 'k_admin' },
};
const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

const { given } = DeciderSpecification.for(apiKeyDecider);

const NAME_INVALID = 'name must be between 1 and 100 characters.';
const NAME_BLANK = 'name must not be blank (only spaces or invisible characters).';
const RATE_LIMIT_INVALID = 'rate_limit must allow 1-1000000 requests per 1-86400 seconds.';
const NOT_FOUND = `No such API key: ${keyId}`;

describe('API key decider', () => {
  describe('CreateApiKey', () => {
    it('creates a key on an empty stream, with account, acting key, every permission, no restriction, no expiry', () => {
      given([]).when(create).then([created]);
    });

    it('creates a key without a name', () => {
      given([]).when({ ...create, name: null }).then([createdWith({ name: null })]);
    });

    it('refuses to create a key twice', () => {
      given([created]).when(create).thenThrows(KeyAlreadyExists, (error) => error.keyId === keyId);
      given([created, revoked]).when(create).thenThrows(KeyAlreadyExists);
    });

    it('records a key found in the name redacted, whether or not its checksum holds', () => {
      const key = generateApiKey();
      const lookalike = `sk_${'A'.repeat(38)}`;
      given([])
        .when({ ...create, name: `prod ${key} / ${lookalike}` })
        .then([createdWith({ name: `prod ${key.slice(0, 12)}…[redacted] / sk_AAAAAAAAA…[redacted]` })]);
    });

    it('refuses a name longer than 100 characters or blank', () => {
      given([]).when({ ...create, name: 'x'.repeat(101) }).thenThrows(NameInvalid, (error) => error.message === NAME_INVALID);
      given([]).when({ ...create, name: '   ' }).thenThrows(NameInvalid, (error) => error.message === NAME_BLANK);
      given([]).when({ ...create, name: 'x'.repeat(100) }).then([createdWith({ name: 'x'.repeat(100) })]);
    });

    it("refuses a name of invisible characters only, but a rolled key's successor keeps the name the log holds", () => {
      given([]).when({ ...create, name: '\u200B\u3164' }).thenThrows(NameInvalid, (error) => error.message === NAME_BLANK);
      // Given under an older policy: the successor is named as its key was, not refused.
      given([]).when({ ...create, name: '\u200B', rolledFromKeyId: successorKeyId }).then([createdWith({ name: '\u200B', rolledFromKeyId: successorKeyId })]);
    });

    it('keeps the name as the name policy gives it (NFC), and refuses what the policy refuses', () => {
      given([]).when({ ...create, name: 'Cle\u0301' }).then([createdWith({ name: 'Cl\u00e9' })]);
      given([]).when({ ...create, name: 'a\u202Eb' }).thenThrows(NameInvalid, (error) => /bidirectional/.test(error.message));
      given([]).when({ ...create, name: 'a\u0000b' }).thenThrows(NameInvalid, (error) => /control characters/.test(error.message));
    });

    it('refuses a rate limit outside its bounds', () => {
      for (const rateLimit of [
        { requests: 0, perSeconds: 60 },
        { requests: 1_000_001, perSeconds: 60 },
        { requests: 10, perSeconds: 0 },
        { requests: 10, perSeconds: 86_401 },
        { requests: 1.5, perSeconds: 60 },
      ]) {
        given([]).when({ ...create, rateLimit }).thenThrows(RateLimitInvalid, (error) => error.message === RATE_LIMIT_INVALID);
      }
    });

    it('keeps permissions normalised: unique, sorted, and only `*` when `*` is among them', () => {
      given([]).when({ ...create, permissions: ['parses:read', 'keys:read', 'parses:read'] }).then([createdWith({ permissions: ['keys:read', 'parses:read'] })]);
      given([]).when({ ...create, permissions: ['keys:read', '*'] }).then([createdWith({ permissions: ['*'] })]);
      given([]).when({ ...create, permissions: ['parses:*'] }).then([createdWith({ permissions: ['parses:*'] })]);
    });

    it('refuses unknown permission syntax, none, or too many', () => {
      for (const permissions of [['keys'], ['Keys:read'], ['keys:'], [':read'], ['keys:read:x'], ['**'], [''], [5], [], Array.from({ length: 51 }, (_, i) => `r${i}:read`)]) {
        given([]).when({ ...create, permissions }).thenThrows(PermissionsInvalid);
      }
    });

    it('refuses to widen permissions beyond the acting key, naming what it lacks; inherits them when none are asked', () => {
      const reader: Actor = { keyId: 'k_r', permissions: ['keys:read', 'keys:write'], allowedIps: [], ...unbounded };
      given([])
        .when({ ...create, actor: reader, permissions: ['keys:read', 'parses:write'] })
        .thenThrows(EscalationRefused, (error) => error.message === 'This key may not grant permissions it does not hold: parses:write.');
      given([]).when({ ...create, actor: reader, permissions: ['*'] }).thenThrows(EscalationRefused);
      given([]).when({ ...create, actor: { ...reader, permissions: ['keys:read'] }, permissions: ['keys:*'] }).thenThrows(EscalationRefused);
      given([])
        .when({ ...create, actor: reader, permissions: null })
        .then([createdWith({ actingKeyId: 'k_r', permissions: ['keys:read', 'keys:write'] })]);
      given([])
        .when({ ...create, actor: { ...reader, permissions: ['keys:*'] }, permissions: ['keys:read'] })
        .then([createdWith({ actingKeyId: 'k_r', permissions: ['keys:read'] })]);
    });

    it('normalises allowed_ips: canonical text, host bits cleared, mapped IPv4 read as IPv4, duplicates dropped', () => {
      given([])
        .when({ ...create, allowedIps: ['203.0.113.7', '198.51.100.9/24', '2001:DB8:0:0::1', '2001:db8::/32', '::ffff:192.0.2.1', '203.0.113.7/32'] })
        .then([createdWith({ allowedIps: ['203.0.113.7', '198.51.100.0/24', '2001:db8::1', '2001:db8::/32', '192.0.2.1'] })]);
    });

    it('refuses an invalid address or CIDR, and more than 100 entries', () => {
      for (const allowedIps of [['203.0.113.0/33'], ['2001:db8::/129'], ['203.0.113'], ['256.1.1.1'], ['01.2.3.4'], ['fe80::1%eth0'], ['1.2.3.4/'], ['x'], [42]]) {
        given([]).when({ ...create, allowedIps }).thenThrows(AllowedIpsInvalid);
      }
      const many = Array.from({ length: 101 }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}`);
      given([]).when({ ...create, allowedIps: many }).thenThrows(AllowedIpsInvalid, (error) => /at most 100/.test(error.message));
      given([]).when({ ...create, allowedIps: many.slice(0, 100) }).then([createdWith({ allowedIps: many.slice(0, 100) })]);
    });

    it('keeps a restricted key from granting use from anywhere else; inherits its restriction when none is asked', () => {
      const restricted: Actor = { keyId: 'k_r', permissions: ['*'], allowedIps: ['203.0.113.0/24'], ...unbounded };
      given([]).when({ ...create, actor: restricted, allowedIps: [] }).thenThrows(EscalationRefused);
      given([]).when({ ...create, actor: restricted, allowedIps: ['203.0.0.0/16'] }).thenThrows(EscalationRefused);
      given([]).when({ ...create, actor: restricted, allowedIps: ['203.0.113.128/25'] }).then([createdWith({ actingKeyId: 'k_r', allowedIps: ['203.0.113.128/25'] })]);
      given([]).when({ ...create, actor: restricted, allowedIps: null }).then([createdWith({ actingKeyId: 'k_r', allowedIps: ['203.0.113.0/24'] })]);
      // An IPv6 rule holding ::ffff:0:0/96 admits every IPv4 client (AddressMatcher, as BlockList did), so it may grant
      // IPv4 addresses; until 2026-12-06 a key restricted to ::/0, used from any IPv4 address, could grant none.
      const everyIpv6: Actor = { keyId: 'k_6', permissions: ['*'], allowedIps: ['::/0'], ...unbounded };
      given([]).when({ ...create, actor: everyIpv6, allowedIps: ['0.0.0.0/0'] }).then([createdWith({ actingKeyId: 'k_6', allowedIps: ['0.0.0.0/0'] })]);
      const holdsMapped: Actor = { keyId: 'k_m', permissions: ['*'], allowedIps: ['::/80'], ...unbounded };
      given([]).when({ ...create, actor: holdsMapped, allowedIps: ['10.0.0.0/8'] }).then([createdWith({ actingKeyId: 'k_m', allowedIps: ['10.0.0.0/8'] })]);
      // ::/96 holds the IPv4-compatible ::a.b.c.d, not the mapped ::ffff:a.b.c.d: no IPv4 client is admitted by it.
      const compatible: Actor = { keyId: 'k_c', permissions: ['*'], allowedIps: ['::/96'], ...unbounded };
      given([]).when({ ...create, actor: compatible, allowedIps: ['10.0.0.0/8'] }).thenThrows(EscalationRefused);
      const documentation: Actor = { keyId: 'k_d', permissions: ['*'], allowedIps: ['2001:db8::/32'], ...unbounded };
      given([]).when({ ...create, actor: documentation, allowedIps: ['203.0.113.7'] }).thenThrows(EscalationRefused);
    });

    it('lets the operator (no acting key) create any key', () => {
      given([]).when({ ...create, actor: null, permissions: ['parses:read'] }).then([createdWith({ actingKeyId: null, permissions: ['parses:read'] })]);
      given([]).when({ ...create, actor: null, rateLimit: { requests: 1_000_000, perSeconds: 1 } }).then([createdWith({ actingKeyId: null, rateLimit: { requests: 1_000_000, perSeconds: 1 } })]);
      given([]).when({ ...create, actor: null, rateLimit: null }).then([createdWith({ actingKeyId: null, rateLimit: { requests: 1000, perSeconds: 60 } })]);
    });

    describe('no end later than the acting key', () => {
      const hourKey: Actor = { ...admin, keyId: 'k_h', endsAt: plus(T0, 3600) };
      const BEYOND = `This key may not grant use beyond its own expires_at (${plus(T0, 3600)}).`;

      it('refuses an expiry later than the acting key ends', () => {
        given([]).when({ ...create, actor: hourKey, expiresAt: plus(T0, 3601) }).thenThrows(EscalationRefused, (error) => error.message === BEYOND);
        given([]).when({ ...create, actor: hourKey, expiresAt: '2099-01-01T00:00:00Z' }).thenThrows(EscalationRefused, (error) => error.message === BEYOND);
      });

      it('keeps an expiry at or before the acting key ends', () => {
        given([]).when({ ...create, actor: hourKey, expiresAt: plus(T0, 3600) }).then([createdWith({ actingKeyId: 'k_h', expiresAt: plus(T0, 3600) })]);
        given([]).when({ ...create, actor: hourKey, expiresAt: plus(T0, 60) }).then([createdWith({ actingKeyId: 'k_h', expiresAt: plus(T0, 60) })]);
      });

      it("gives a key created without an expiry the acting key's end, or the maximum lifetime when sooner", () => {
        given([]).when({ ...create, actor: hourKey }).then([createdWith({ actingKeyId: 'k_h', expiresAt: plus(T0, 3600) })]);
        given([]).when({ ...create, actor: hourKey, maxLifetimeSeconds: 7200 }).then([createdWith({ actingKeyId: 'k_h', expiresAt: plus(T0, 3600) })]);
        given([]).when({ ...create, actor: hourKey, maxLifetimeSeconds: 1800 }).then([createdWith({ actingKeyId: 'k_h', expiresAt: plus(T0, 1800) })]);
        // A roll's grace end is an end like any other.
        given([]).when({ ...create, actor: { ...hourKey, endsAt: plus(T0, 300) } }).then([createdWith({ actingKeyId: 'k_h', expiresAt: plus(T0, 300) })]);
      });

      it('grants no time at all once the acting key has ended (a request that raced its end)', () => {
        given([]).when({ ...create, actor: { ...hourKey, endsAt: T0 } }).thenThrows(EscalationRefused);
      });

      it('leaves a key made by a key without end, or by the operator, without one', () => {
        given([]).when(create).then([created]);
        given([]).when({ ...create, actor: null }).then([createdWith({ actingKeyId: null })]);
      });
    });

    describe('no rate limit above the acting key', () => {
      const tenAMinute: Actor = { ...admin, keyId: 'k_10', rateLimit: { requests: 10, perSeconds: 60 } };
      const ABOVE = 'This key may not grant a rate_limit above its own (10 requests per 60 seconds).';
      const limited = (rateLimit: { requests: number; perSeconds: number }) => createdWith({ actingKeyId: 'k_10', rateLimit });

      it('refuses a larger burst or a higher rate, each alone', () => {
        for (const rateLimit of [
          { requests: 1_000_000, perSeconds: 1 },
          { requests: 11, perSeconds: 60 },
          { requests: 10, perSeconds: 59 },
          // The same rate, ten minutes' worth at once.
          { requests: 100, perSeconds: 600 },
          { requests: 1, perSeconds: 5 },
        ]) {
          given([]).when({ ...create, actor: tenAMinute, rateLimit }).thenThrows(EscalationRefused, (error) => error.message === ABOVE);
        }
      });

      it('keeps a limit no larger in burst and no higher in rate', () => {
        for (const rateLimit of [
          { requests: 10, perSeconds: 60 },
          { requests: 5, perSeconds: 30 },
          { requests: 1, perSeconds: 6 },
          { requests: 10, perSeconds: 86_400 },
        ]) {
          given([]).when({ ...create, actor: tenAMinute, rateLimit }).then([limited(rateLimit)]);
        }
      });

      it("gives a key created without a limit the default, or the acting key's own when the default is not within it", () => {
        given([]).when({ ...create, actor: tenAMinute, rateLimit: null }).then([limited({ requests: 10, perSeconds: 60 })]);
        // A smaller burst at a higher rate than the default's: the default's burst is not within it.
        const burstOf100: Actor = { ...tenAMinute, rateLimit: { requests: 100, perSeconds: 1 } };
        given([]).when({ ...create, actor: burstOf100, rateLimit: null }).then([limited({ requests: 100, perSeconds: 1 })]);
        given([]).when({ ...create, rateLimit: null }).then([createdWith({ rateLimit: { requests: 1000, perSeconds: 60 } })]);
      });
    });

    it('keeps an expiry in the future and within the maximum lifetime, and applies the maximum to keys created without one', () => {
      given([]).when({ ...create, expiresAt: '2026-01-01T01:00:00Z' }).then([createdWith({ expiresAt: '2026-01-01T01:00:00.000Z' })]);
      given([]).when({ ...create, maxLifetimeSeconds: 3600, expiresAt: plus(T0, 3600) }).then([createdWith({ expiresAt: plus(T0, 3600) })]);
      given([]).when({ ...create, maxLifetimeSeconds: 3600 }).then([createdWith({ expiresAt: plus(T0, 3600) })]);
      // A leap second is read as the DTO and the CLI read it: the last millisecond of its minute.
      given([]).when({ ...create, expiresAt: '2030-06-30T23:59:60Z' }).then([createdWith({ expiresAt: '2030-06-30T23:59:59.999Z' })]);
    });

    it('refuses an expiry in the past, at the present instant, or beyond the maximum lifetime', () => {
      given([]).when({ ...create, expiresAt: '2025-12-31T23:59:59Z' }).thenThrows(ExpiryInvalid, (error) => error.message === 'expires_at must be in the future.');
      given([]).when({ ...create, expiresAt: T0 }).thenThrows(ExpiryInvalid);
      given([])
        .when({ ...create, maxLifetimeSeconds: 3600, expiresAt: plus(T0, 3601) })
        .thenThrows(ExpiryInvalid, (error) => /maximum key lifetime of 3600 seconds/.test(error.message));
    });

    it('refuses an expiry that an offset carries past the year 9999, which no RFC 3339 date-time can write back', () => {
      const tooLate = (error: Error) => error.message === 'expires_at must be no later than 9999-12-31T23:59:59.999Z.';
      given([]).when({ ...create, expiresAt: '9999-12-31T23:59:59-23:59' }).thenThrows(ExpiryInvalid, tooLate);
      given([]).when({ ...create, expiresAt: '9999-12-31T23:59:59.999Z' }).then([createdWith({ expiresAt: '9999-12-31T23:59:59.999Z' })]);
      given([created]).when(update({ expiresAt: '9999-12-31T23:00:00-01:00' })).thenThrows(ExpiryInvalid, tooLate);
    });

    it('records the key a successor was rolled from', () => {
      given([]).when({ ...create, rolledFromKeyId: successorKeyId }).then([createdWith({ rolledFromKeyId: successorKeyId })]);
    });
  });

  describe('RevokeApiKey', () => {
    it('revokes an active, a disabled or an expired key', () => {
      given([created]).when(revoke).then([revoked]);
      given([created, disabled]).when(revoke).then([revoked]);
      given([created, expired(T1, 'expires_at')]).when(revoke).then([revoked]);
    });

    it('appends nothing when the key is already revoked', () => {
      given([created, revoked]).when({ ...revoke, now: '2026-02-01T00:00:00.000Z' }).thenNothing();
    });

    it('answers not found for a key that does not exist', () => {
      given([]).when(revoke).thenThrows(KeyNotFound, (error) => error.keyId === keyId && error.message === NOT_FOUND);
    });

    it("answers not found for another account's key, exactly as for an unknown one", () => {
      const asUnknown = (error: KeyNotFound) => error.keyId === keyId && error.message === NOT_FOUND;
      given([created]).when({ ...revoke, accountId: 'globex' }).thenThrows(KeyNotFound, asUnknown);
      given([created, revoked]).when({ ...revoke, accountId: 'globex' }).thenThrows(KeyNotFound, asUnknown);
    });

    it('lets a key revoke itself', () => {
      const self = { ...revoke, actor: { ...admin, keyId } };
      given([created]).when(self).then([{ ...revoked, data: { ...revoked.data, actingKeyId: keyId } }]);
    });
  });

  describe('DisableApiKey and EnableApiKey', () => {
    it('disables an active key and enables it again; each twice changes nothing', () => {
      given([created]).when(disable).then([disabled]);
      given([created, disabled]).when(disable).thenNothing();
      given([created, disabled]).when(enable).then([enabled]);
      given([created]).when(enable).thenNothing();
      given([created, disabled, enabled]).when(enable).thenNothing();
    });

    it('refuses to disable or enable a revoked or an expired key (expired by time, even before its event)', () => {
      for (const command of [disable, enable]) {
        given([created, revoked]).when(command).thenThrows(KeyNotChangeable, (error) => error.message === `API key ${keyId} is revoked.`);
        given([created, disabled, revoked]).when(command).thenThrows(KeyNotChangeable);
        given([created, expired(T1, 'expires_at')]).when(command).thenThrows(KeyNotChangeable, (error) => error.why === 'expired');
        given([createdWith({ expiresAt: T1 })]).when(command).thenThrows(KeyNotChangeable, (error) => error.why === 'expired');
      }
    });

    it('lets any key that may write enable a key wider than itself: enabling gives back what was granted, and the actor receives nothing', () => {
      const narrow: Actor = { keyId: 'k_n', permissions: ['keys:write'], allowedIps: ['127.0.0.0/8'], endsAt: plus(T1, 60), rateLimit: { requests: 1, perSeconds: 60 } };
      const wide = createdWith({ rateLimit: { requests: 1_000_000, perSeconds: 1 } });
      given([wide, disabled]).when({ ...enable, actor: narrow }).then([{ ...enabled, data: { ...enabled.data, actingKeyId: 'k_n' } }]);
    });

    it("answers not found for another account's key", () => {
      given([created]).when({ ...disable, accountId: 'globex' }).thenThrows(KeyNotFound);
      given([created, disabled]).when({ ...enable, accountId: 'globex' }).thenThrows(KeyNotFound);
      given([]).when(enable).thenThrows(KeyNotFound);
    });
  });

  describe('UpdateApiKey', () => {
    it('records only the fields that change, in one event', () => {
      given([created])
        .when(update({ name: 'Renamed', rateLimit: { requests: 100, perSeconds: 60 }, permissions: ['keys:read'], allowedIps: ['203.0.113.7/32'] }))
        .then([updated({ name: 'Renamed', permissions: ['keys:read'], allowedIps: ['203.0.113.7'] })]);
      given([created]).when(update({ rateLimit: { requests: 5, perSeconds: 1 }, expiresAt: '2026-03-01T00:00:00Z' }))
        .then([updated({ rateLimit: { requests: 5, perSeconds: 1 }, expiresAt: '2026-03-01T00:00:00.000Z' })]);
      given([created]).when(update({ name: null })).then([updated({ name: null })]);
    });

    it('appends nothing when nothing changes', () => {
      given([created]).when(update({ name: 'Production API Key', permissions: ['*'], allowedIps: [] })).thenNothing();
      given([created]).when(update({})).thenNothing();
    });

    it('refuses a widening the acting key does not hold, and a restricted key lifting its own restriction', () => {
      const narrow: Actor = { keyId, permissions: ['keys:read', 'keys:write'], allowedIps: ['203.0.113.0/24'], ...unbounded };
      const own = createdWith({ permissions: ['keys:read', 'keys:write'], allowedIps: ['203.0.113.0/24'] });
      given([own]).when(update({ permissions: ['*'] }, narrow)).thenThrows(EscalationRefused);
      given([own]).when(update({ allowedIps: [] }, narrow)).thenThrows(EscalationRefused);
      given([own]).when(update({ allowedIps: ['0.0.0.0/0'] }, narrow)).thenThrows(EscalationRefused);
      given([own]).when(update({ allowedIps: ['203.0.113.7'] }, narrow)).then([{ ...updated({ allowedIps: ['203.0.113.7'] }), data: { ...updated({}).data, actingKeyId: keyId, changes: { allowedIps: ['203.0.113.7'] } } }]);
      // Renaming a wider key widens nothing.
      given([created]).when(update({ name: 'x' }, narrow)).then([{ ...updated({ name: 'x' }), data: { ...updated({}).data, actingKeyId: keyId, changes: { name: 'x' } } }]);
    });

    it('refuses a key ending in an hour making itself permanent, later or faster, and lets it narrow itself', () => {
      const end = plus(T1, 3600);
      const hourKey: Actor = { keyId, permissions: ['keys:read', 'keys:write'], allowedIps: [], endsAt: end, rateLimit: { requests: 10, perSeconds: 60 } };
      const own = createdWith({ permissions: ['keys:read', 'keys:write'], expiresAt: end, rateLimit: { requests: 10, perSeconds: 60 } });
      const BEYOND = `This key may not grant use beyond its own expires_at (${end}).`;
      const ABOVE = 'This key may not grant a rate_limit above its own (10 requests per 60 seconds).';
      given([own]).when(update({ expiresAt: null }, hourKey)).thenThrows(EscalationRefused, (error) => error.message === BEYOND);
      given([own]).when(update({ expiresAt: plus(end, 1) }, hourKey)).thenThrows(EscalationRefused, (error) => error.message === BEYOND);
      given([own]).when(update({ rateLimit: { requests: 1_000_000, perSeconds: 1 } }, hourKey)).thenThrows(EscalationRefused, (error) => error.message === ABOVE);
      given([own]).when(update({ expiresAt: null, rateLimit: { requests: 1_000_000, perSeconds: 1 } }, hourKey)).thenThrows(EscalationRefused);
      const byItself = (changes: KeyUpdated['data']['changes']) => ({ ...updated(changes), data: { ...updated(changes).data, actingKeyId: keyId } });
      given([own]).when(update({ expiresAt: plus(T1, 60), rateLimit: { requests: 5, perSeconds: 60 } }, hourKey))
        .then([byItself({ expiresAt: plus(T1, 60), rateLimit: { requests: 5, perSeconds: 60 } })]);
      given([own]).when(update({ expiresAt: end }, hourKey)).thenNothing();
    });

    it("refuses a key lifting another key's expiry past its own end or raising its limit above its own; renaming it is no escalation", () => {
      const end = plus(T1, 3600);
      const hourWriter: Actor = { keyId: 'k_w', permissions: ['keys:read', 'keys:write'], allowedIps: [], endsAt: end, rateLimit: { requests: 1000, perSeconds: 60 } };
      const loopback: Actor = { keyId: 'k_l', permissions: ['*'], allowedIps: ['127.0.0.0/8'], endsAt: null, rateLimit: { requests: 1000, perSeconds: 60 } };
      const star = createdWith({ expiresAt: end });
      given([star]).when(update({ expiresAt: null }, hourWriter)).thenThrows(EscalationRefused, (error) => /beyond its own expires_at/.test(error.message));
      given([star]).when(update({ rateLimit: { requests: 1_000_000, perSeconds: 1 } }, loopback)).thenThrows(EscalationRefused, (error) => /rate_limit above its own/.test(error.message));
      // Asked, not changed, is what is checked: a wider value asked again is still refused, as for permissions.
      given([createdWith({ rateLimit: { requests: 1_000_000, perSeconds: 1 } })]).when(update({ rateLimit: { requests: 1_000_000, perSeconds: 1 } }, loopback)).thenThrows(EscalationRefused);
      given([createdWith({ rateLimit: { requests: 1_000_000, perSeconds: 1 } })])
        .when(update({ name: 'x' }, hourWriter))
        .then([{ ...updated({ name: 'x' }), data: { ...updated({ name: 'x' }).data, actingKeyId: 'k_w' } }]);
      // A key without end may remove an expiry, and the operator may do anything.
      given([star]).when(update({ expiresAt: null }, loopback)).then([{ ...updated({ expiresAt: null }), data: { ...updated({ expiresAt: null }).data, actingKeyId: 'k_l' } }]);
      given([star]).when(update({ expiresAt: null, rateLimit: { requests: 1_000_000, perSeconds: 1 } }, null))
        .then([{ ...updated({}), data: { ...updated({}).data, actingKeyId: null, changes: { rateLimit: { requests: 1_000_000, perSeconds: 1 }, expiresAt: null } } }]);
    });

    it('reads a new expiry by the API\'s date policy: a leap second is its minute\'s last millisecond, a bare date is no date-time', () => {
      given([created]).when(update({ expiresAt: '2030-06-30T23:59:60Z' })).then([updated({ expiresAt: '2030-06-30T23:59:59.999Z' })]);
      given([created]).when(update({ expiresAt: '2030-06-30' })).thenThrows(ExpiryInvalid, (error) => error.message === 'expires_at must be an RFC 3339 date-time.');
    });

    it('refuses an expiry in the past, beyond the maximum lifetime from creation, or removed under a maximum', () => {
      given([created]).when(update({ expiresAt: T0 })).thenThrows(ExpiryInvalid);
      given([created]).when(update({ expiresAt: plus(T0, 86_401) }, admin, 86_400)).thenThrows(ExpiryInvalid);
      given([createdWith({ expiresAt: plus(T0, 172_800) })]).when(update({ expiresAt: null }, admin, 172_800)).thenThrows(ExpiryInvalid);
      given([createdWith({ expiresAt: plus(T0, 172_800) })]).when(update({ expiresAt: plus(T0, 172_000) }, admin, 172_800)).then([updated({ expiresAt: plus(T0, 172_000) })]);
    });

    it('refuses invalid fields and a revoked or expired key', () => {
      given([created]).when(update({ permissions: ['nope'] })).thenThrows(PermissionsInvalid);
      given([created]).when(update({ allowedIps: ['10.0.0.0/40'] })).thenThrows(AllowedIpsInvalid);
      given([created]).when(update({ rateLimit: { requests: 0, perSeconds: 1 } })).thenThrows(RateLimitInvalid);
      given([created]).when(update({ name: '' })).thenThrows(NameInvalid);
      given([created, revoked]).when(update({ name: 'x' })).thenThrows(KeyNotChangeable);
      given([created, expired(T1, 'expires_at')]).when(update({ name: 'x' })).thenThrows(KeyNotChangeable);
      given([created]).when({ ...update({ name: 'x' }), accountId: 'globex' } as ApiKeyCommand).thenThrows(KeyNotFound);
    });
  });

  describe('RollApiKey', () => {
    it('rolls with a grace period, bounded by the key own expiry', () => {
      given([created]).when(roll(3600)).then([rolled(plus(T1, 3600))]);
      given([created]).when(roll(604_800, 60)).then([rolled(plus(T1, 604_800), 60)]);
      given([createdWith({ expiresAt: plus(T1, 60) })]).when(roll(3600)).then([rolled(plus(T1, 60))]);
    });

    it('expires the old key at once with no grace', () => {
      given([created]).when(roll(0)).then([rolled(T1), expired(T1, 'grace_ended')]);
    });

    it('refuses to roll a revoked, expired or already rolled key', () => {
      given([created, revoked]).when(roll(60)).thenThrows(KeyNotChangeable, (error) => error.why === 'revoked');
      given([created, expired(T1, 'expires_at')]).when(roll(60)).thenThrows(KeyNotChangeable, (error) => error.why === 'expired');
      // Named by its successor's id, so whoever lost the roll's answer learns which key replaced it; a key rolled with
      // no grace has expired with the roll, and is named so too.
      given([created, rolled(plus(T1, 60))])
        .when(roll(60))
        .thenThrows(KeyNotChangeable, (error) => error.message === `API key ${keyId} has already been rolled to API key ${successorKeyId}.`);
      given([created, rolled(T1), expired(T1, 'grace_ended')])
        .when(roll(60))
        .thenThrows(KeyNotChangeable, (error) => error.message === `API key ${keyId} is expired (rolled to API key ${successorKeyId}).`);
    });

    it('refuses a grace or idle time out of bounds', () => {
      for (const [grace, idle] of [[-1, null], [604_801, null], [1.5, null], [60, 0], [60, 604_801]] as const) {
        given([created]).when(roll(grace, idle)).thenThrows(RollInvalid);
      }
    });

    it('refuses a roll by a key that does not hold what the key it rolls holds', () => {
      given([created]).when(roll(60, null, { keyId: 'k', permissions: ['keys:write'], allowedIps: [], ...unbounded })).thenThrows(EscalationRefused);
      given([created]).when({ ...roll(60), accountId: 'globex' } as ApiKeyCommand).thenThrows(KeyNotFound);
    });

    it('refuses a roll whose successor would end later than the acting key, or have a limit above its own', () => {
      const end = plus(T1, 3600);
      const hourKey: Actor = { ...admin, keyId: 'k_h', endsAt: end };
      given([created]).when(roll(60, null, hourKey)).thenThrows(EscalationRefused, (error) => error.message === `This key may not grant use beyond its own expires_at (${end}).`);
      given([createdWith({ expiresAt: plus(end, 1) })]).when(roll(60, null, hourKey)).thenThrows(EscalationRefused);
      given([created]).when(roll(60, null, { ...admin, rateLimit: { requests: 10, perSeconds: 60 } })).thenThrows(EscalationRefused, (error) => /rate_limit above its own/.test(error.message));
    });

    it('lets a key ending in an hour roll itself: its successor ends with it', () => {
      const end = plus(T1, 3600);
      const self: Actor = { keyId, permissions: ['*'], allowedIps: [], endsAt: end, rateLimit: { requests: 100, perSeconds: 60 } };
      const rolledBySelf = { ...rolled(end), data: { ...rolled(end).data, actingKeyId: keyId } };
      given([createdWith({ expiresAt: end })]).when(roll(3600, null, self)).then([rolledBySelf]);
    });
  });

  describe('ExpireApiKey', () => {
    it('expires a key at its expiry, dated when it was due even when late', () => {
      const expiring = createdWith({ expiresAt: T1 });
      given([expiring]).when(expire(plus(T1, -0.001))).thenNothing();
      given([expiring]).when(expire(T1)).then([expired(T1, 'expires_at')]);
      given([expiring]).when(expire(plus(T1, 3600))).then([expired(T1, 'expires_at')]);
      given([expiring, expired(T1, 'expires_at')]).when(expire(plus(T1, 7200))).thenNothing();
      given([expiring, revoked]).when(expire(plus(T1, 7200))).thenNothing();
    });

    it('expires a rolled key at the grace end, or once idle for close_when_idle_seconds, whichever is first', () => {
      const graceEnd = plus(T1, 3600);
      given([created, rolled(graceEnd)]).when(expire(graceEnd)).then([expired(graceEnd, 'grace_ended')]);
      given([created, rolled(graceEnd, 60)]).when(expire(plus(T1, 59))).thenNothing();
      given([created, rolled(graceEnd, 60)]).when(expire(plus(T1, 60))).then([expired(plus(T1, 60), 'idle')]);
      given([created, rolled(graceEnd, 60)]).when(expire(plus(T1, 120), plus(T1, 50))).then([expired(plus(T1, 110), 'idle')]);
      given([created, rolled(graceEnd, 60)]).when(expire(plus(T1, 100), plus(T1, 90))).thenNothing();
      given([created, rolled(graceEnd, 60)]).when(expire(graceEnd, plus(T1, 3599))).then([expired(graceEnd, 'grace_ended')]);
    });

    it('retires a key idle only on uses known complete up to the instant it went idle: KeyExpired is final', () => {
      const graceEnd = plus(T1, 3600);
      // Uses not read from the log late enough: a usage view lagging it, another instance's last flush not in yet.
      given([created, rolled(graceEnd, 60)]).when(expire(plus(T1, 120), plus(T1, 50), plus(T1, 109.999))).thenNothing();
      given([created, rolled(graceEnd, 60)]).when(expire(plus(T1, 120), plus(T1, 50), null)).thenNothing();
      given([created, rolled(graceEnd, 60)]).when(expire(plus(T1, 120), plus(T1, 50), plus(T1, 110))).then([expired(plus(T1, 110), 'idle')]);
      const unknown: ApiKeyCommand = { type: 'ExpireApiKey', keyId, now: plus(T1, 120), uses: null };
      given([created, rolled(graceEnd, 60)]).when(unknown).thenNothing();
      // The grace end is an instant, not a count of uses: recorded whatever is known of them.
      given([created, rolled(graceEnd, 60)]).when({ ...unknown, now: graceEnd }).then([expired(graceEnd, 'grace_ended')]);
      given([created, rolled(graceEnd, 60)]).when(expire(graceEnd, plus(T1, 10), plus(T1, 69))).then([expired(graceEnd, 'grace_ended')]);
    });

    it('does nothing for a key without expiry', () => {
      given([created]).when(expire('2099-01-01T00:00:00.000Z')).thenNothing();
      given([]).when(expire(T1)).thenThrows(KeyNotFound);
    });
  });

  describe('ReissueKeySecret', () => {
    it('gives a working key a new secret, with the reason and the acting key', () => {
      given([created]).when(reissue()).then([reissued]);
      given([created, reissued]).when(reissue()).then([reissued]);
    });

    it('gives a disabled key a new secret too: it stays disabled', () => {
      given([created, disabled]).when(reissue()).then([reissued]);
    });

    it('refuses a revoked, expired or rolled key with 409 naming it, and another account’s key as not found', () => {
      given([created, revoked]).when(reissue()).thenThrows(KeyNotChangeable, (error) => error.keyId === keyId && error.why === 'revoked');
      given([created, expired(T1, 'expires_at')]).when(reissue()).thenThrows(KeyNotChangeable, (error) => error.why === 'expired');
      given([createdWith({ expiresAt: T1 })]).when(reissue()).thenThrows(KeyNotChangeable, (error) => error.why === 'expired');
      given([created, rolled(plus(T1, 60))]).when(reissue()).thenThrows(KeyNotChangeable, (error) => error.why === 'rolled');
      given([created]).when(reissue(admin, 'globex')).thenThrows(KeyNotFound);
      given([]).when(reissue()).thenThrows(KeyNotFound);
    });

    it('refuses an acting key that may no longer hold what the key grants', () => {
      const narrow: Actor = { ...admin, permissions: ['keys:read', 'keys:write'] };
      given([created]).when(reissue(narrow)).thenThrows(EscalationRefused);
    });
  });

  describe('evolve', () => {
    it('folds a history into the current state', () => {
      expect(fold(apiKeyDecider, [])).toEqual({ status: 'absent' });
      expect(fold(apiKeyDecider, [created])).toMatchObject({ status: 'active', keyId, accountId: 'acme', revokedAt: null, disabled: false, rolled: null });
      expect(fold(apiKeyDecider, [created, disabled])).toMatchObject({ status: 'disabled', disabled: true });
      expect(fold(apiKeyDecider, [created, disabled, enabled])).toMatchObject({ status: 'active', disabled: false });
      expect(fold(apiKeyDecider, [created, updated({ name: 'x', permissions: ['keys:read'] })])).toMatchObject({ name: 'x', permissions: ['keys:read'] });
      expect(fold(apiKeyDecider, [created, rolled(T1), expired(T1, 'grace_ended')])).toMatchObject({
        status: 'expired',
        expiredAt: T1,
        rolled: { successorKeyId, graceEndsAt: T1 },
      });
      expect(fold(apiKeyDecider, [created, revoked])).toMatchObject({ status: 'revoked', keyId, accountId: 'acme', revokedAt: T1 });
      expect(fold(apiKeyDecider, [created, reissued])).toMatchObject({ status: 'active', prefix: 'sk_Reissued0', name: created.data.name });
    });

    it('starts every fold from a fresh initial state', () => {
      expect(apiKeyDecider.initialState()).not.toBe(apiKeyDecider.initialState());
    });
  });
});
