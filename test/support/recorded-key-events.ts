import type { RecordedEvent } from '../../src/shared/event-store/event-store.port.js';

let position = 0;

/** An event of key `keyId`'s stream as the log gives it back; a `schemaVersion` or a type this version does not know is a newer version's. */
export const recordedKeyEvent = (keyId: string, type: string, revision: number, data: Record<string, unknown> = {}, schemaVersion = 1): RecordedEvent => ({
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

/** Key `keyId`'s KeyCreated (schema version 2), with `fields` over a `*` key limited to 10 a minute. */
export const recordedKeyCreated = (keyId: string, fields: Record<string, unknown> = {}): RecordedEvent =>
  recordedKeyEvent(
    keyId,
    'KeyCreated',
    0,
    {
      name: null,
      prefix: 'sk_x',
      secretHash: `hash-${keyId}`,
      rateLimit: { requests: 10, perSeconds: 60 },
      createdAt: '2026-01-01T00:00:00.000Z',
      actingKeyId: null,
      permissions: ['*'],
      allowedIps: [],
      expiresAt: null,
      rolledFromKeyId: null,
      ...fields,
    },
    2,
  );

export const recordedKeyRevoked = (keyId: string, revision: number): RecordedEvent =>
  recordedKeyEvent(keyId, 'KeyRevoked', revision, { revokedAt: '2026-01-02T00:00:00.000Z', actingKeyId: null });
