import request from 'supertest';
import { apiKeyStreamId } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { createKey, expectRefusedLikeRevoked } from '../support/keys.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';

describe.each(backends())('POST /v1/api-keys/{id}/disable and /enable (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ backend });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const post = (id: string, action: 'disable' | 'enable') => request(t.http).post(`/v1/api-keys/${id}/${action}`).set(bearer(admin));

  it('disables a key, refused on its next request exactly like a revoked one, and enables it again', async () => {
    const key = await createKey(t, admin, { name: 'pausable' });
    const disabled = await post(key.id, 'disable').expect(200);
    expect(disabled.body).toMatchObject({ id: key.id, status: 'disabled', disabled: true });
    expect(disabled.headers.etag).toBe('"1"');
    await expectRefusedLikeRevoked(t, key.key);
    const enabled = await post(key.id, 'enable').expect(200);
    expect(enabled.body).toMatchObject({ status: 'active', disabled: false });
    await request(t.http).get('/v1/api-keys').set(bearer(key.key)).expect(200);
    const stream = await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id));
    expect(stream.map((event) => event.type)).toEqual(['KeyCreated', 'KeyDisabled', 'KeyEnabled']);
  });

  it('changes nothing when disabling a disabled key or enabling an enabled one', async () => {
    const key = await createKey(t, admin);
    await post(key.id, 'enable').expect(200);
    await post(key.id, 'disable').expect(200);
    const again = await post(key.id, 'disable').expect(200);
    expect(again.headers.etag).toBe('"1"');
    expect(await t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(key.id))).toHaveLength(2);
  });

  it('lists a disabled key with status disabled, and filters by it', async () => {
    const key = await createKey(t, admin, { name: 'to-filter' });
    await post(key.id, 'disable').expect(200);
    const disabled = await request(t.http).get('/v1/api-keys?status=disabled').set(bearer(admin)).expect(200);
    expect(disabled.body.data.map((k: { id: string }) => k.id)).toContain(key.id);
    expect(disabled.body.data.every((k: { status: string }) => k.status === 'disabled')).toBe(true);
    const active = await request(t.http).get('/v1/api-keys?status=active').set(bearer(admin)).expect(200);
    expect(active.body.data.map((k: { id: string }) => k.id)).not.toContain(key.id);
  });

  it('refuses to disable or enable a revoked key (409), and an unknown one (404)', async () => {
    const key = await createKey(t, admin);
    await request(t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
    for (const action of ['disable', 'enable'] as const) {
      const res = await post(key.id, action).expect(409);
      expect(res.body).toEqual({ error: { type: 'conflict_error', message: `API key ${key.id} is revoked.` } });
      await post('550e8400-e29b-41d4-a716-446655440000', action).expect(404);
    }
  });
});
