import { DomainError } from '../../shared/domain/domain-error.js';
import { type ApiKeyCommand, decide, foldApiKey } from './api-key-decider.js';
import type { ApiKeyEvent, KeyCreated, KeyRevoked } from './api-key-events.js';

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

/** given events → when command → then events */
function given(events: ApiKeyEvent[]) {
  return {
    when: (command: ApiKeyCommand) => ({
      then: (expected: ApiKeyEvent[]) => expect(decide(foldApiKey(events), command)).toEqual(expected),
      thenFails: (code: DomainError['code']) => {
        const attempt = () => decide(foldApiKey(events), command);
        expect(attempt).toThrow(DomainError);
        try {
          attempt();
        } catch (error) {
          expect((error as DomainError).code).toBe(code);
        }
      },
    }),
  };
}

describe('API key decider', () => {
  describe('CreateApiKey', () => {
    it('creates a key on an empty stream, with account, acting key and schema version', () => {
      given([]).when(create).then([created]);
    });

    it('creates a key without a name', () => {
      const event = decide(foldApiKey([]), { ...create, name: null })[0] as KeyCreated;
      expect(event.data.name).toBeNull();
    });

    it('refuses to create a key twice', () => {
      given([created]).when(create).thenFails('KEY_ALREADY_EXISTS');
    });

    it('refuses a name longer than 100 characters or blank', () => {
      given([]).when({ ...create, name: 'x'.repeat(101) }).thenFails('INVALID_REQUEST');
      given([]).when({ ...create, name: '   ' }).thenFails('INVALID_REQUEST');
      given([]).when({ ...create, name: 'x'.repeat(100) }).then([{ ...created, data: { ...created.data, name: 'x'.repeat(100) } }]);
    });

    it('refuses a rate limit outside its bounds', () => {
      for (const rateLimit of [
        { requests: 0, perSeconds: 60 },
        { requests: 1_000_001, perSeconds: 60 },
        { requests: 10, perSeconds: 0 },
        { requests: 10, perSeconds: 86_401 },
        { requests: 1.5, perSeconds: 60 },
      ]) {
        given([]).when({ ...create, rateLimit }).thenFails('INVALID_REQUEST');
      }
    });
  });

  describe('RevokeApiKey', () => {
    it('revokes an active key', () => {
      given([created]).when(revoke).then([revoked]);
    });

    it('appends nothing when the key is already revoked', () => {
      given([created, revoked]).when({ ...revoke, now: '2026-02-01T00:00:00.000Z' }).then([]);
    });

    it('answers not found for a key that does not exist', () => {
      given([]).when(revoke).thenFails('KEY_NOT_FOUND');
    });

    it("answers not found for another account's key, exactly as for an unknown one", () => {
      given([created]).when({ ...revoke, accountId: 'globex' }).thenFails('KEY_NOT_FOUND');
      given([created, revoked]).when({ ...revoke, accountId: 'globex' }).thenFails('KEY_NOT_FOUND');
    });

    it('lets a key revoke itself', () => {
      const self = { ...revoke, actingKeyId: keyId };
      given([created]).when(self).then([{ ...revoked, data: { ...revoked.data, actingKeyId: keyId } }]);
    });
  });

  describe('evolve', () => {
    it('folds a history into the current state', () => {
      expect(foldApiKey([])).toEqual({ status: 'absent' });
      expect(foldApiKey([created])).toEqual({ status: 'active', keyId, accountId: 'acme', revokedAt: null });
      expect(foldApiKey([created, revoked])).toEqual({
        status: 'revoked',
        keyId,
        accountId: 'acme',
        revokedAt: '2026-01-02T00:00:00.000Z',
      });
    });
  });
});
