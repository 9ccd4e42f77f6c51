// Writes a log straight into an event store (dist's SqliteEventStore, or the one given), as the service would
// have recorded it: `keys` keys created in `accounts` accounts, then rounds of uses (one KeyUsed per key per
// round, an hour apart, each round its own appends) until the log holds `events` events, every tenth key
// revoked after the fourth round (and used no more). The event data is what src/keys/domain/api-key-events.ts
// and src/usage/domain/key-used.ts define, field for field (test/support/seed-log.ts writes the same shapes).
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteEventStore } from '../../dist/infrastructure/sqlite/sqlite-event-store.js';

const CHUNK = 1000;
const HOUR_MS = 3_600_000;
const REVOKED_AFTER_ROUND = 4;

/** Events the log will hold besides the uses: one KeyCreated per key, one KeyRevoked per tenth key. */
export const fixedEvents = (keys) => keys + Math.ceil(keys / 10);

/**
 * Into `store` when given (an EventStoreDB adapter: bench:stores with EVENTSTORE_URL), else into the embedded
 * log of `dataDir`; the store is closed at the end either way.
 */
export async function seedLog(dataDir, { keys, events, accounts, onProgress = () => undefined, store = new SqliteEventStore(join(dataDir, 'events.sqlite')) }) {
  const usesWanted = events - fixedEvents(keys);
  if (usesWanted < 0) throw new Error(`${events} events cannot hold ${keys} keys (at least ${fixedEvents(keys)})`);
  const all = Array.from({ length: keys }, (_, n) => ({ keyId: randomUUID(), n, accountId: `acct_${n % accounts}` }));
  const chunks = [];
  for (let from = 0; from < keys; from += CHUNK) chunks.push(all.slice(from, from + CHUNK));
  const usableAfterRevocation = keys - Math.ceil(keys / 10);
  const rounds = REVOKED_AFTER_ROUND + Math.max(0, Math.ceil((usesWanted - REVOKED_AFTER_ROUND * keys) / Math.max(1, usableAfterRevocation)));
  // Uses fall in the last `rounds` hours, one round an hour; keys are created an hour before the first.
  const firstUseAt = Date.now() - rounds * HOUR_MS;
  const createdAt = new Date(firstUseAt - HOUR_MS).toISOString();
  let written = 0;
  let uses = 0;
  let revoked = 0;
  try {
    for (const chunk of chunks) {
      await store.appendToStreams(
        chunk.map(({ keyId, n, accountId }) => ({
          streamId: `api_key-${keyId}`,
          expectedRevision: 'no_stream',
          events: [
            {
              type: 'KeyCreated',
              schemaVersion: 1,
              data: {
                keyId,
                accountId,
                name: `key ${n}`,
                prefix: `sk_${randomBytes(6).toString('hex')}`,
                secretHash: randomBytes(32).toString('hex'),
                rateLimit: { requests: 100, perSeconds: 60 },
                createdAt,
                actingKeyId: null,
              },
            },
          ],
        })),
      );
      written += chunk.length;
      onProgress(written);
    }
    const revoke = async () => {
      const revokedAt = new Date(Math.min(Date.now(), firstUseAt + REVOKED_AFTER_ROUND * HOUR_MS - 1000)).toISOString();
      for (const chunk of chunks) {
        const victims = chunk.filter(({ n }) => n % 10 === 0);
        await store.appendToStreams(
          victims.map(({ keyId, accountId }) => ({
            streamId: `api_key-${keyId}`,
            expectedRevision: 0,
            events: [{ type: 'KeyRevoked', schemaVersion: 1, data: { keyId, accountId, revokedAt, actingKeyId: null } }],
          })),
        );
        revoked += victims.length;
        written += victims.length;
        onProgress(written);
      }
    };
    let round = 0;
    for (; uses < usesWanted; round++) {
      if (round === REVOKED_AFTER_ROUND) await revoke();
      for (const chunk of chunks) {
        const users = chunk.filter(({ n }) => round < REVOKED_AFTER_ROUND || n % 10 !== 0).slice(0, usesWanted - uses);
        if (users.length === 0) break;
        await store.appendToStreams(
          users.map(({ keyId, n, accountId }) => ({
            streamId: `api_key_usage-${keyId}`,
            expectedRevision: 'any',
            events: [
              {
                type: 'KeyUsed',
                schemaVersion: 1,
                data: {
                  keyId,
                  accountId,
                  usedAt: new Date(firstUseAt + round * HOUR_MS + (n % 3600) * 1000).toISOString(),
                  requestId: `req_${round}_${n}`,
                  ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
                  userAgent: 'bench-seed',
                  method: 'POST',
                  path: '/v1/parses',
                  outcome: 'accepted',
                },
              },
            ],
          })),
        );
        uses += users.length;
        written += users.length;
        onProgress(written);
      }
    }
    if (revoked === 0) await revoke();
    const head = await store.headPosition();
    return { keys, uses, revoked, events: written, headPosition: head, rounds: round };
  } finally {
    await store.close();
  }
}
