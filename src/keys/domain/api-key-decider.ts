import type { Decider } from '../../shared/domain/decider.js';
import { redactSecrets } from '../../shared/domain/secret-redaction.js';
import { KeyAlreadyExists, KeyNotFound, RateLimitInvalid } from './api-key-errors.js';
import type { ApiKeyEvent, KeyRateLimit } from './api-key-events.js';
import { keyName } from './key-name.js';

export const RATE_LIMIT_BOUNDS = { requests: { min: 1, max: 1_000_000 }, perSeconds: { min: 1, max: 86_400 } } as const;

export type ApiKeyState =
  | { status: 'absent' }
  | { status: 'active' | 'revoked'; keyId: string; accountId: string; revokedAt: string | null };

export interface CreateApiKey {
  type: 'CreateApiKey';
  keyId: string;
  accountId: string;
  name: string | null;
  prefix: string;
  secretHash: string;
  rateLimit: KeyRateLimit;
  actingKeyId: string | null;
  now: string;
}

export interface RevokeApiKey {
  type: 'RevokeApiKey';
  keyId: string;
  accountId: string;
  actingKeyId: string | null;
  now: string;
}

export type ApiKeyCommand = CreateApiKey | RevokeApiKey;

/** The API key aggregate: one stream per key (apiKeyStreamId), created once, revoked at most once. */
export const apiKeyDecider: Decider<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};

function evolve(state: ApiKeyState, event: ApiKeyEvent): ApiKeyState {
  switch (event.type) {
    case 'KeyCreated':
      return { status: 'active', keyId: event.data.keyId, accountId: event.data.accountId, revokedAt: null };
    case 'KeyRevoked':
      if (state.status === 'absent') return state;
      return { ...state, status: 'revoked', revokedAt: event.data.revokedAt };
  }
}

function decide(state: ApiKeyState, command: ApiKeyCommand): ApiKeyEvent[] {
  switch (command.type) {
    case 'CreateApiKey':
      return decideCreate(state, command);
    case 'RevokeApiKey':
      return decideRevoke(state, command);
  }
}

function decideCreate(state: ApiKeyState, command: CreateApiKey): ApiKeyEvent[] {
  if (state.status !== 'absent') throw new KeyAlreadyExists(command.keyId);
  // A key pasted into a name would be in the log for good: it is recorded redacted, like any client text.
  const name = command.name === null ? null : redactSecrets(keyName(command.name));
  if (!withinBounds(command.rateLimit)) throw new RateLimitInvalid(RATE_LIMIT_BOUNDS);
  const { keyId, accountId, prefix, secretHash, rateLimit, actingKeyId, now } = command;
  return [
    {
      type: 'KeyCreated',
      schemaVersion: 1,
      data: { keyId, accountId, name, prefix, secretHash, rateLimit, createdAt: now, actingKeyId },
    },
  ];
}

function withinBounds({ requests, perSeconds }: KeyRateLimit): boolean {
  const bounds = RATE_LIMIT_BOUNDS;
  return (
    Number.isInteger(requests) &&
    Number.isInteger(perSeconds) &&
    requests >= bounds.requests.min &&
    requests <= bounds.requests.max &&
    perSeconds >= bounds.perSeconds.min &&
    perSeconds <= bounds.perSeconds.max
  );
}

function decideRevoke(state: ApiKeyState, command: RevokeApiKey): ApiKeyEvent[] {
  // Another account's key is indistinguishable from a key that does not exist.
  if (state.status === 'absent' || state.accountId !== command.accountId) {
    throw new KeyNotFound(command.keyId);
  }
  if (state.status === 'revoked') return [];
  return [
    {
      type: 'KeyRevoked',
      schemaVersion: 1,
      data: { keyId: command.keyId, accountId: command.accountId, revokedAt: command.now, actingKeyId: command.actingKeyId },
    },
  ];
}
