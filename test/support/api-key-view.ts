import { randomUUID } from 'node:crypto';
import type { ApiKeyView } from '../../src/keys/projection/api-key-view.js';

let nextPosition = 1;

/** An active key view with every field set; `overrides` change any of them. */
export function makeView(overrides: Partial<ApiKeyView> = {}): ApiKeyView {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    accountId: 'acct_a',
    name: 'A key',
    prefix: 'sk_abcdefghi',
    secretHash: `hash-${id}`,
    status: 'active',
    rateLimit: { requests: 100, perSeconds: 60 },
    createdAt: '2026-01-01T00:00:00.000Z',
    revokedAt: null,
    permissions: ['*'],
    allowedIps: [],
    expiresAt: null,
    disabled: false,
    expiredAt: null,
    endsAt: null,
    rolledFromKeyId: null,
    rotation: null,
    createdPosition: nextPosition++,
    revision: 0,
    unreadableSince: null,
    ...overrides,
  };
}
