import { InMemoryApiKeyReadModel } from '../../infrastructure/in-memory/in-memory-api-key-read-model.js';
import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { ViewProjection } from '../../shared/projections/view-projection.js';
import { apiKeyProjectionWarning } from './api-key-projection.js';

let position = 0;
const event = (keyId: string, type: string, revision: number, data: Record<string, unknown> = {}, schemaVersion = 1): RecordedEvent => ({
  id: `e-${++position}`,
  streamId: `api_key-${keyId}`,
  type,
  schemaVersion,
  data: { keyId, accountId: 'acme', ...data },
  metadata: {},
  revision,
  position,
  recordedAt: '2026-01-01T00:00:00.000Z',
});
const created = (keyId: string) =>
  event(keyId, 'KeyCreated', 0, {
    name: keyId, prefix: 'sk_x', secretHash: `hash-${keyId}`, rateLimit: { requests: 10, perSeconds: 60 }, createdAt: '2026-01-01T00:00:00.000Z',
    actingKeyId: null, permissions: ['*'], allowedIps: [], expiresAt: null, rolledFromKeyId: null,
  }, 2);
const revoked = (keyId: string, revision: number) => event(keyId, 'KeyRevoked', revision, { revokedAt: '2026-01-02T00:00:00.000Z', actingKeyId: null });

describe('The stored key views and an event a newer version of the service wrote', () => {
  it('mark that key’s view, keep folding what they can read, go on with every other key, and warn once for it', async () => {
    const store = new InMemoryApiKeyReadModel();
    const warnings: string[] = [];
    const projection = new ViewProjection(apiKeyProjectionWarning((message) => warnings.push(message)), store);
    await projection.handle([created('a'), created('b')]);
    await projection.handle([event('a', 'KeyUpdated', 1, { updatedAt: 'x', name: 'x' }, 2), event('a', 'KeyUpdated', 2, { updatedAt: 'y' }, 2), revoked('b', 1)]);
    await projection.handle([revoked('a', 3)]);
    expect(await store.findById('acme', 'a')).toMatchObject({ name: 'a', status: 'revoked', unreadableSince: 1, revision: 3 });
    expect(await store.findById('acme', 'b')).toMatchObject({ status: 'revoked', unreadableSince: null, revision: 1 });
    expect(await store.getCheckpoint()).toBe(position);
    expect(warnings).toEqual([expect.stringContaining('Key view a: KeyUpdated (schema version 2) at revision 1')]);
  });
});
