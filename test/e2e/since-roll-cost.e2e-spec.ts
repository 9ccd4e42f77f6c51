import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { caughtUpWithTheLog, keyUsedEvent, seedBusyKey } from '../support/busy-key.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const USES_BEFORE_ROLL = 100_000;
const USES_SINCE_ROLL = 40;
const DAY = 86_400_000;
const ROUNDS = 15;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * A key created three days ago and used USES_BEFORE_ROLL times over the two days up to a minute ago, written
 * straight into the log (100,000 verifies through HTTP would take minutes), each use logged 30 s after it was made as
 * a flush would have; then rolled through the API and used USES_SINCE_ROLL times since, from two addresses.
 */
async function seedRolledKey(t: TestApp, admin: string, accountId: string): Promise<{ keyId: string; lastUse: string }> {
  const store = t.app.get<EventStore>(EVENT_STORE);
  const now = Date.now();
  const usedAt = (i: number) => now - 2 * DAY - 60_000 + Math.floor((i * 2 * DAY) / USES_BEFORE_ROLL);
  const keyId = await seedBusyKey(store, accountId, now, USES_BEFORE_ROLL, usedAt);
  // Logged as the service logs them, shortly after they were made, not all at once now.
  const db = new Database(join(t.dataDir, 'events.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(
      `UPDATE events SET recorded_at = strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(data, '$.usedAt'), '+30 seconds') WHERE stream_id = ?`,
    ).run(`api_key_usage-${keyId}`);
  } finally {
    db.close();
  }
  const rolled = await request(t.http).post(`/v1/api-keys/${keyId}/roll`).set(bearer(admin)).send({ grace_seconds: 86_400 }).expect(201);
  const rolledAt = Date.parse(rolled.body.rolled.rotation.rolled_at);
  const since = Array.from({ length: USES_SINCE_ROLL }, (_, n) => keyUsedEvent(keyId, accountId, rolledAt + 1 + n, USES_BEFORE_ROLL + n, n % 2 ? '198.51.100.7' : '203.0.113.9'));
  await store.appendToStreams([{ streamId: `api_key_usage-${keyId}`, expectedRevision: 'any', events: since }], { durability: 'process' });
  await caughtUpWithTheLog(t);
  return { keyId, lastUse: new Date(rolledAt + USES_SINCE_ROLL).toISOString() };
}

describe('GET /v1/api-keys/{id} of a rolled key with 100,000 uses before the roll', () => {
  let t: TestApp;
  let admin: string;
  let busy: { keyId: string; lastUse: string };

  beforeAll(async () => {
    t = await startTestApp({ backend: 'embedded' });
    admin = (await t.bootstrapKey('acme', 'admin', { requests: 1_000_000, perSeconds: 1 })).key;
    busy = await seedRolledKey(t, admin, 'acme');
  }, 180_000);
  afterAll(() => t.destroy());

  const get = (id: string) => request(t.http).get(`/v1/api-keys/${id}`).set(bearer(admin)).expect(200);

  it("shows the traffic since the roll, reading the uses logged from an hour before the roll, not the key's whole usage", async () => {
    const { body } = await get(busy.keyId);
    expect(body.usage.accepted).toBe(USES_BEFORE_ROLL + USES_SINCE_ROLL);
    expect(body.rotation).toMatchObject({ uses_since_roll: USES_SINCE_ROLL, last_used_at: busy.lastUse, addresses_since_roll: ['198.51.100.7', '203.0.113.9'], addresses_since_roll_count: 2 });
    const successor = body.rotation.successor_id as string;
    const [rolled, plain]: number[][] = [[], []];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [id, times] of [[busy.keyId, rolled], [successor, plain]] as const) {
        const started = performance.now();
        await get(id);
        times.push(performance.now() - started);
      }
    }
    const seen = { rolledMedianMs: Math.round(median(rolled)), plainMedianMs: Math.round(median(plain)) };
    console.log(`GET of a rolled key with ${USES_BEFORE_ROLL} uses: median ${seen.rolledMedianMs} ms (a key without rotation: ${seen.plainMedianMs} ms)`);
    // A pass over the whole stream read 100 pages of 1,000 uses (2.4 s here); from an hour before the roll it reads
    // that hour's ~2,100 uses and the 40 since, 3 pages. Relative, so a loaded machine slows both alike.
    expect({ ...seen, cheap: seen.rolledMedianMs < 10 * seen.plainMedianMs + 100 }).toEqual({ ...seen, cheap: true });
  }, 120_000);
});
