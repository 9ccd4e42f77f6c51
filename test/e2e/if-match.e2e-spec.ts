import request from 'supertest';
import { apiKeyStreamId } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { createKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Every change to a key, as an If-Match (RFC 9110 §13.1.1) guards it. */
describe('If-Match on every change to a key', () => {
  let t: TestApp;
  let admin: string;
  let otherAccount: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.bootstrapKey('acme')).key;
    otherAccount = (await t.bootstrapKey('globex')).key;
  });
  afterAll(() => t.destroy());

  const changes = {
    PATCH: (id: string) => request(t.http).patch(`/v1/api-keys/${id}`).send({ name: 'renamed' }),
    disable: (id: string) => request(t.http).post(`/v1/api-keys/${id}/disable`),
    enable: (id: string) => request(t.http).post(`/v1/api-keys/${id}/enable`),
    roll: (id: string) => request(t.http).post(`/v1/api-keys/${id}/roll`).send({ grace_seconds: 60 }),
    DELETE: (id: string) => request(t.http).delete(`/v1/api-keys/${id}`),
  };
  const succeeded = { PATCH: 200, disable: 200, enable: 200, roll: 201, DELETE: 200 };
  const change = (name: keyof typeof changes, id: string, ifMatch: string, key = admin) => changes[name](id).set(bearer(key)).set('If-Match', ifMatch);
  const streamOf = async (id: string) => (await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(id))).map((e) => e.type);

  /** A key two revisions on (ETag "1"), disabled for `enable` so that the change would append something. */
  const keyFor = async (name: keyof typeof changes) => {
    const key = await createKey(t, admin);
    await request(t.http).patch(`/v1/api-keys/${key.id}`).set(bearer(admin)).send({ name: 'v2' }).expect(200);
    if (name === 'enable') await request(t.http).post(`/v1/api-keys/${key.id}/disable`).set(bearer(admin)).expect(200);
    const { etag } = (await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200)).headers;
    return { id: key.id as string, etag: etag as string };
  };

  describe.each(Object.keys(changes) as (keyof typeof changes)[])('%s', (name) => {
    it('refuses a stale ETag, or a weak one, with 412 and changes nothing', async () => {
      const { id, etag } = await keyFor(name);
      const before = await streamOf(id);
      for (const stale of ['"0"', `W/${etag}`, '"0", "7"']) {
        const res = await change(name, id, stale).expect(412);
        // A weak tag of the current version: the key has not changed since, the tag is weak (If-Match compares strongly).
        const message = stale === `W/${etag}` ? `If-Match names this key's current version only as a weak ETag (W/${etag}), which If-Match never matches: send ${etag}. Nothing was changed.` : expect.stringMatching(/it has changed since/);
        expect(res.body.error).toEqual({ type: 'precondition_failed_error', message });
        // The current ETag, to retry from without a GET.
        expect(res.headers.etag).toBe(etag);
      }
      expect(await streamOf(id)).toEqual(before);
    });

    it('makes the change when the If-Match names the current ETag, alone or in a list, or is *', async () => {
      for (const current of [(etag: string) => etag, (etag: string) => `"0", ${etag}`, () => '*']) {
        const { id, etag } = await keyFor(name);
        await change(name, id, current(etag)).expect(succeeded[name]);
        expect((await streamOf(id)).length).toBeGreaterThan(name === 'enable' ? 3 : 2);
      }
    });

    it('refuses an If-Match that is no list of ETags with 400', async () => {
      const { id, etag } = await keyFor(name);
      const res = await change(name, id, etag.replaceAll('"', '')).expect(400);
      expect(res.body.error.message).toMatch(/If-Match must be/);
    });

    it("answers another account's key as unknown (404), whatever the If-Match", async () => {
      const { id, etag } = await keyFor(name);
      await change(name, id, etag, otherAccount).expect(404);
      await change(name, id, '"9"', otherAccount).expect(404);
    });
  });
});
