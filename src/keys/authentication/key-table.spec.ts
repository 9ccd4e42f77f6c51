import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { ApiKeyView } from '../projection/api-key-view.js';
import { KeyTable } from './key-table.js';

const rateLimit = { requests: 10, perSeconds: 60 };
let position = 0;
const recorded = (type: 'KeyCreated' | 'KeyRevoked', keyId: string): RecordedEvent => ({
  id: `e-${++position}`,
  streamId: `api-key-${keyId}`,
  type,
  schemaVersion: 1,
  data:
    type === 'KeyCreated'
      ? { keyId, accountId: 'acme', name: null, prefix: 'sk_x', secretHash: `hash-${keyId}`, rateLimit, createdAt: '2026-01-01T00:00:00.000Z', actingKeyId: null }
      : { keyId, accountId: 'acme', revokedAt: '2026-01-01T00:00:00.000Z', actingKeyId: null },
  metadata: {},
  revision: type === 'KeyCreated' ? 0 : 1,
  position,
  recordedAt: '2026-01-01T00:00:00.000Z',
});
const view = (id: string, status: 'active' | 'revoked'): ApiKeyView => ({
  id,
  accountId: 'acme',
  name: null,
  prefix: 'sk_x',
  secretHash: `hash-${id}`,
  status,
  rateLimit,
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
  createdPosition: 1,
  revision: 0,
});

describe('KeyTable.activeKeys (the active keys gauge)', () => {
  it('counts loaded and created keys, not revoked ones, and not twice when the log re-applies what the views held', async () => {
    const table = new KeyTable({ getCheckpoint: async () => 2, scan: async (afterId) => (afterId ? [] : [view('a', 'active'), view('b', 'revoked')]) });
    await table.checkpoint();
    expect(table.activeKeys).toBe(1);
    await table.handle([recorded('KeyCreated', 'a'), recorded('KeyCreated', 'c')]);
    expect(table.activeKeys).toBe(2);
    await table.handle([recorded('KeyRevoked', 'a'), recorded('KeyRevoked', 'a'), recorded('KeyRevoked', 'unknown')]);
    expect(table.activeKeys).toBe(1);
    await table.reset();
    expect(table.activeKeys).toBe(0);
  });
});
