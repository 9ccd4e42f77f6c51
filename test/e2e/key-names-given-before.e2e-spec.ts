import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { toEventToAppend } from '../../src/keys/api-key-event-codec.js';
import { apiKeyStreamId, type KeyCreated } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../../src/shared/projections/projection-progress.js';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The name policy applies to names given: names the log holds from before a rule was added still load and roll. */
describe('Key names given under an older name policy', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  /** A key created when invisible names and bidi marks were still accepted, as the log recorded it. */
  const recordedWithName = async (name: string): Promise<string> => {
    const keyId = randomUUID();
    const created: KeyCreated = {
      type: 'KeyCreated',
      schemaVersion: 2,
      data: {
        keyId,
        accountId: 'acme',
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
  };

  it.each([
    ['a zero-width space', '\u200B'],
    ['a Hangul filler', '\u3164'],
    ['a right-to-left mark', 'admin\u200F-key'],
  ])('shows, lists, changes and rolls a key named %s, which a new key could not be', async (_case, name) => {
    await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name }).expect(400);
    const id = await recordedWithName(name);
    expect((await request(t.http).get(`/v1/api-keys/${id}`).set(bearer(admin)).expect(200)).body.name).toBe(name);
    const listed = (await request(t.http).get('/v1/api-keys?limit=1').set(bearer(admin)).expect(200)).body.data[0];
    expect([listed.id, listed.name]).toEqual([id, name]);
    const changed = await request(t.http).patch(`/v1/api-keys/${id}`).set(bearer(admin)).send({ rate_limit: { requests: 50, per_seconds: 60 } }).expect(200);
    expect(changed.body.name).toBe(name);
    const rolled = await request(t.http).post(`/v1/api-keys/${id}/roll`).set(bearer(admin)).send({ grace_seconds: 60 }).expect(201);
    expect(rolled.body.name).toBe(name);
  });
});
