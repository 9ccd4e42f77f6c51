import { fold } from '../../shared/domain/decider.js';
import { DeciderSpecification } from '../../shared/domain/testing/decider-specification.js';
import { type ApiKeyCommand, apiKeyDecider } from './api-key-decider.js';
import { KeyAlreadyExists, KeyNotFound, NameInvalid, RateLimitInvalid } from './api-key-errors.js';
import type { KeyCreated, KeyRevoked } from './api-key-events.js';
import { generateApiKey } from './api-key-secret.js';

const keyId = '550e8400-e29b-41d4-a716-446655440000';
const created: KeyCreated = {
  type: 'KeyCreated',
  schemaVersion: 1,
  data: {
    keyId,
    accountId: 'acme',
    name: 'Production API Key',
    prefix: 'sk_abcdefghi',
    secretHash: 'a'.repeat(64),
    rateLimit: { requests: 100, perSeconds: 60 },
    createdAt: '2026-01-01T00:00:00.000Z',
    actingKeyId: 'k_admin',
  },
};
const revoked: KeyRevoked = {
  type: 'KeyRevoked',
  schemaVersion: 1,
  data: { keyId, accountId: 'acme', revokedAt: '2026-01-02T00:00:00.000Z', actingKeyId: 'k_admin' },
};
const create: ApiKeyCommand = {
  type: 'CreateApiKey',
  keyId,
  accountId: 'acme',
  name: 'Production API Key',
  prefix: 'sk_abcdefghi',
  secretHash: 'a'.repeat(64),
  rateLimit: { requests: 100, perSeconds: 60 },
  actingKeyId: 'k_admin',
  now: '2026-01-01T00:00:00.000Z',
};
const revoke: ApiKeyCommand = {
  type: 'RevokeApiKey',
  keyId,
  accountId: 'acme',
  actingKeyId: 'k_admin',
  now: '2026-01-02T00:00:00.000Z',
};

const { given } = DeciderSpecification.for(apiKeyDecider);

const NAME_INVALID = 'name must be between 1 and 100 characters.';
const NAME_BLANK = 'name must not be blank.';
const RATE_LIMIT_INVALID = 'rate_limit must allow 1-1000000 requests per 1-86400 seconds.';
const NOT_FOUND = `No such API key: ${keyId}`;

describe('API key decider', () => {
  describe('CreateApiKey', () => {
    it('creates a key on an empty stream, with account, acting key and schema version', () => {
      given([]).when(create).then([created]);
    });

    it('creates a key without a name', () => {
      given([]).when({ ...create, name: null }).then([{ ...created, data: { ...created.data, name: null } }]);
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
        .then([{ ...created, data: { ...created.data, name: `prod ${key.slice(0, 12)}…[redacted] / sk_AAAAAAAAA…[redacted]` } }]);
    });

    it('refuses a name longer than 100 characters or blank', () => {
      given([]).when({ ...create, name: 'x'.repeat(101) }).thenThrows(NameInvalid, (error) => error.message === NAME_INVALID);
      given([]).when({ ...create, name: '   ' }).thenThrows(NameInvalid, (error) => error.message === NAME_BLANK);
      given([]).when({ ...create, name: 'x'.repeat(100) }).then([{ ...created, data: { ...created.data, name: 'x'.repeat(100) } }]);
    });

    it('keeps the name as the name policy gives it (NFC), and refuses what the policy refuses', () => {
      given([]).when({ ...create, name: 'Cle\u0301' }).then([{ ...created, data: { ...created.data, name: 'Cl\u00e9' } }]);
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
  });

  describe('RevokeApiKey', () => {
    it('revokes an active key', () => {
      given([created]).when(revoke).then([revoked]);
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
      const self = { ...revoke, actingKeyId: keyId };
      given([created]).when(self).then([{ ...revoked, data: { ...revoked.data, actingKeyId: keyId } }]);
    });
  });

  describe('evolve', () => {
    it('folds a history into the current state', () => {
      expect(fold(apiKeyDecider, [])).toEqual({ status: 'absent' });
      expect(fold(apiKeyDecider, [created])).toEqual({ status: 'active', keyId, accountId: 'acme', revokedAt: null });
      expect(fold(apiKeyDecider, [created, revoked])).toEqual({
        status: 'revoked',
        keyId,
        accountId: 'acme',
        revokedAt: '2026-01-02T00:00:00.000Z',
      });
    });

    it('starts every fold from a fresh initial state', () => {
      expect(apiKeyDecider.initialState()).not.toBe(apiKeyDecider.initialState());
    });
  });
});
