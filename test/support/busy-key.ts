import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore, type EventToAppend } from '../../src/shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../../src/shared/projections/projection-progress.js';
import type { TestApp } from './test-app.js';

const DAY_MS = 86_400_000;
const SEED_CHUNK = 5000;

/** A use of the key as the service records it, at `usedAt` (epoch ms), the `n`th of the seed. */
export const keyUsedEvent = (keyId: string, accountId: string, usedAt: number, n: number, ip = '192.0.2.1'): EventToAppend => ({
  type: 'KeyUsed',
  schemaVersion: 1,
  data: { keyId, accountId, usedAt: new Date(usedAt).toISOString(), requestId: `req_${n}`, ip, userAgent: 'seed', method: 'GET', path: '/v1/parses', outcome: 'accepted' },
});

/**
 * A key of the account created three days before `now`, written straight into the log (tens of thousands of verifies
 * through HTTP would take minutes), with `uses` uses at `usedAt(i)`: what the cost of reading a busy key is measured on.
 */
export async function seedBusyKey(store: EventStore, accountId: string, now: number, uses: number, usedAt: (i: number) => number): Promise<string> {
  const keyId = randomUUID();
  await store.appendToStream(
    `api_key-${keyId}`,
    [
      {
        type: 'KeyCreated',
        schemaVersion: 1,
        data: { keyId, accountId, name: 'busy', prefix: 'sk_0123456789ab', secretHash: 'ab'.repeat(32), rateLimit: { requests: 100, perSeconds: 60 }, createdAt: new Date(now - 3 * DAY_MS).toISOString(), actingKeyId: null },
      },
    ],
    'no_stream',
  );
  for (let from = 0; from < uses; from += SEED_CHUNK) {
    const events = Array.from({ length: Math.min(SEED_CHUNK, uses - from) }, (_, n) => keyUsedEvent(keyId, accountId, usedAt(from + n), from + n));
    await store.appendToStreams([{ streamId: `api_key_usage-${keyId}`, expectedRevision: 'any', events }], { durability: 'process' });
  }
  return keyId;
}

/** Waits until the projections hold the whole log: folding tens of thousands of uses takes several of caughtUpTo's waits (FerretDB, a loaded machine). */
export async function caughtUpWithTheLog(t: TestApp): Promise<void> {
  const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
  for (let attempt = 1; ; attempt++) {
    try {
      await t.app.get(ProjectionProgress).caughtUpTo(head);
      return;
    } catch (error) {
      if (attempt === 30) throw error;
    }
  }
}
