import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';

export interface SeededLog {
  keyIds: string[];
  revoked: number;
  events: number;
}

const CHUNK = 1000;

/**
 * Writes `keys` keys straight into the embedded log of `dataDir`, as the service would have recorded them:
 * each created and used once, every tenth revoked, in ACCOUNTS accounts. For tests of rebuilds and catch-ups.
 */
export async function seedEmbeddedLog(dataDir: string, keys: number, accounts = 50): Promise<SeededLog> {
  const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
  const keyIds = Array.from({ length: keys }, () => randomUUID());
  const at = new Date().toISOString();
  let revoked = 0;
  try {
    for (let from = 0; from < keys; from += CHUNK) {
      const chunk = keyIds.slice(from, from + CHUNK).map((keyId, i) => ({ keyId, n: from + i, accountId: `acct_${(from + i) % accounts}` }));
      await store.appendToStreams(
        chunk.map(({ keyId, n, accountId }) => ({
          streamId: `api_key-${keyId}`,
          expectedRevision: 'no_stream' as const,
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
                createdAt: at,
                actingKeyId: null,
              },
            },
            ...(n % 10 === 0 ? [{ type: 'KeyRevoked', schemaVersion: 1, data: { keyId, accountId, revokedAt: at, actingKeyId: null } }] : []),
          ],
        })),
      );
      revoked += chunk.filter(({ n }) => n % 10 === 0).length;
      await store.appendToStreams(
        chunk.map(({ keyId, n, accountId }) => ({
          streamId: `api_key_usage-${keyId}`,
          expectedRevision: 'any' as const,
          events: [
            {
              type: 'KeyUsed',
              schemaVersion: 1,
              data: { keyId, accountId, usedAt: at, requestId: `req_${n}`, ip: '192.0.2.1', userAgent: 'seed', method: 'GET', path: '/v1/api-keys', outcome: 'accepted' },
            },
          ],
        })),
      );
    }
    return { keyIds, revoked, events: (await store.headPosition()) ?? 0 };
  } finally {
    await store.close();
  }
}
