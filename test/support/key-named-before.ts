import { randomUUID } from 'node:crypto';
import { toEventToAppend } from '../../src/keys/api-key-event-codec.js';
import { apiKeyStreamId, type KeyCreated } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../../src/shared/projections/projection-progress.js';
import type { TestApp } from './test-app.js';

/**
 * Writes a key of `accountId` named `name` straight into the log, as the service recorded keys when its name policy
 * still accepted that name (invisible characters, bidi marks), and waits until the read models show it. Its id.
 */
export async function keyNamedBefore(t: TestApp, accountId: string, name: string): Promise<string> {
  const keyId = randomUUID();
  const created: KeyCreated = {
    type: 'KeyCreated',
    schemaVersion: 2,
    data: {
      keyId,
      accountId,
      name,
      prefix: 'sk_oldname1',
      secretHash: 'a'.repeat(64),
      rateLimit: { requests: 100, perSeconds: 60 },
      createdAt: new Date().toISOString(),
      actingKeyId: null,
      permissions: ['*'],
      allowedIps: [],
      expiresAt: null,
      rolledFromKeyId: null,
    },
  };
  const [appended] = await t.app
    .get<EventStore>(EVENT_STORE)
    .appendToStreams([{ streamId: apiKeyStreamId(keyId), events: [toEventToAppend(created, { requestId: null })], expectedRevision: 'no_stream' }]);
  await t.app.get(ProjectionProgress).caughtUpTo(appended.position);
  return keyId;
}
