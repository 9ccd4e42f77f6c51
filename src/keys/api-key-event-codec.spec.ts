import type { RecordedEvent } from '../shared/event-store/event-store.port.js';
import { readKeyEvent } from './api-key-event-codec.js';
import { applyToApiKeyView } from './projection/api-key-view.js';

/** KeyCreated 1 as the first versions wrote it (766103d, 2026-11-27 06:03, until c744c42 added rate limits): no rateLimit. */
function firstVersionsKeyCreated(): RecordedEvent {
  return {
    id: 'e1',
    streamId: 'api_key-k1',
    type: 'KeyCreated',
    schemaVersion: 1,
    data: { keyId: 'k1', accountId: 'acme', name: 'boot', prefix: 'sk_PO8bQ9sHG', secretHash: 'ab'.repeat(32), createdAt: '2026-11-27T06:10:00.000Z', actingKeyId: null },
    metadata: { requestId: null },
    revision: 0,
    position: 1,
    recordedAt: '2026-11-27T06:10:00.000Z',
  };
}

describe('readKeyEvent on KeyCreated 1', () => {
  it('gives a key created before rate limits existed the limit every key created without one had (1000 per 60 s)', () => {
    const event = readKeyEvent(firstVersionsKeyCreated());
    expect(event).toMatchObject({ type: 'KeyCreated', schemaVersion: 2, data: { rateLimit: { requests: 1000, perSeconds: 60 }, permissions: ['*'], allowedIps: [], expiresAt: null } });
    expect(applyToApiKeyView(undefined, firstVersionsKeyCreated())?.rateLimit).toEqual({ requests: 1000, perSeconds: 60 });
  });

  it('keeps the limit a KeyCreated 1 recorded', () => {
    const recorded = firstVersionsKeyCreated();
    recorded.data = { ...recorded.data, rateLimit: { requests: 10, perSeconds: 1 } };
    expect(readKeyEvent(recorded)).toMatchObject({ data: { rateLimit: { requests: 10, perSeconds: 1 } } });
  });
});
