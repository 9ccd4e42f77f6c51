import request from 'supertest';
import { bearer } from '../support/auth.js';
import { keyNamedBefore } from '../support/key-named-before.js';
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

  it.each([
    ['a zero-width space', '\u200B'],
    ['a Hangul filler', '\u3164'],
    ['a right-to-left mark', 'admin\u200F-key'],
  ])('shows, lists, changes and rolls a key named %s, which a new key could not be', async (_case, name) => {
    await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name }).expect(400);
    const id = await keyNamedBefore(t, 'acme', name);
    expect((await request(t.http).get(`/v1/api-keys/${id}`).set(bearer(admin)).expect(200)).body.name).toBe(name);
    const listed = (await request(t.http).get('/v1/api-keys?limit=1').set(bearer(admin)).expect(200)).body.data[0];
    expect([listed.id, listed.name]).toEqual([id, name]);
    const changed = await request(t.http).patch(`/v1/api-keys/${id}`).set(bearer(admin)).send({ rate_limit: { requests: 50, per_seconds: 60 } }).expect(200);
    expect(changed.body.name).toBe(name);
    const rolled = await request(t.http).post(`/v1/api-keys/${id}/roll`).set(bearer(admin)).send({ grace_seconds: 60 }).expect(201);
    expect(rolled.body.name).toBe(name);
  });
});
