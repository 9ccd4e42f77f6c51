import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { seededRandom } from '../support/seeded-random.js';
import { freezeClock } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

describe('Key history and point-in-time views', () => {
  let t: TestApp;
  let admin: { key: string; keyId: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.bootstrapKey('acme');
  });
  afterAll(() => t.destroy());

  it('returns the whole trail oldest first, paginated, with acting key and no secret or hash', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'traced' }).expect(201);
    for (let i = 0; i < 3; i++) await request(t.http).get('/v1/api-keys?limit=1').set(bearer(created.body.key)).expect(200);
    await flushUsage(t);
    await request(t.http).delete(`/v1/api-keys/${created.body.id}`).set(bearer(admin.key)).expect(200);

    const trail: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await request(t.http).get(`/v1/api-keys/${created.body.id}/events${query}`).set(bearer(admin.key)).expect(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      trail.push(...page.body.data);
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);

    expect(trail.map((e) => e.type)).toEqual(['KeyCreated', 'KeyUsed', 'KeyUsed', 'KeyUsed', 'KeyRevoked']);
    expect(trail.map((e) => e.position)).toEqual([...trail.map((e) => e.position as number)].sort((a, b) => a - b));
    expect(trail[0]).toMatchObject({ stream: 'lifecycle', revision: 0, acting_key_id: admin.keyId, data: { name: 'traced', accountId: 'acme' } });
    expect(trail[1]).toMatchObject({ stream: 'usage', revision: 0, acting_key_id: created.body.id, data: { outcome: 'accepted' } });
    expect(trail[4]).toMatchObject({ stream: 'lifecycle', revision: 1, acting_key_id: admin.keyId });
    const text = JSON.stringify(trail);
    expect(text).not.toContain(created.body.key.slice(12));
    expect(text).not.toMatch(/secretHash|[0-9a-f]{64}/);
  });

  it('names the request of each change, which finds the acting key\'s use of it: its address and user agent', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).set('X-Request-Id', 'audit-create-1').send({ name: 'who' }).expect(201);
    await request(t.http).patch(`/v1/api-keys/${created.body.id}`).set(bearer(admin.key)).set('X-Request-Id', 'audit-rename-1').set('User-Agent', 'auditor/1').send({ name: 'who-2' }).expect(200);
    await request(t.http).get('/v1/whoami').set(bearer(created.body.key)).set('X-Request-Id', 'audit-use-1').expect(200);
    await flushUsage(t);
    const trail = (await request(t.http).get(`/v1/api-keys/${created.body.id}/events?limit=10`).set(bearer(admin.key)).expect(200)).body.data;
    expect(trail.map((e: { type: string; request_id: string | null }) => [e.type, e.request_id])).toEqual([
      ['KeyCreated', 'audit-create-1'],
      ['KeyUpdated', 'audit-rename-1'],
      ['KeyUsed', 'audit-use-1'],
    ]);
    // The acting key's trail holds that request as a use: from where, and with what, the key was renamed.
    const actor = (await request(t.http).get(`/v1/api-keys/${admin.keyId}/events?limit=100&order=log`).set(bearer(admin.key)).expect(200)).body.data;
    const rename = actor.find((e: { request_id: string | null }) => e.request_id === 'audit-rename-1');
    expect(rename).toMatchObject({ type: 'KeyUsed', data: { method: 'PATCH', userAgent: 'auditor/1', ip: expect.any(String) } });
  });

  it('rebuilds the key as it was at an instant: status, name, limit and usage so far', async () => {
    const created = await request(t.http)
      .post('/v1/api-keys')
      .set(bearer(admin.key))
      .send({ name: 'then', rate_limit: { requests: 50, per_seconds: 60 } })
      .expect(201);
    await request(t.http).get('/v1/api-keys').set(bearer(created.body.key)).expect(200);
    await request(t.http).get('/v1/api-keys').set(bearer(created.body.key)).expect(200);
    await flushUsage(t);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await request(t.http).get('/v1/api-keys').set(bearer(created.body.key)).expect(200);
    await flushUsage(t);
    await request(t.http).delete(`/v1/api-keys/${created.body.id}`).set(bearer(admin.key)).expect(200);

    const then = await request(t.http).get(`/v1/api-keys/${created.body.id}?as_of=${between}`).set(bearer(admin.key)).expect(200);
    expect(then.body).toMatchObject({
      status: 'active',
      name: 'then',
      revoked_at: null,
      rate_limit: { requests: 50, per_seconds: 60 },
      request_count: 2,
      usage: { accepted: 2 },
    });
    const now = await request(t.http).get(`/v1/api-keys/${created.body.id}`).set(bearer(admin.key)).expect(200);
    expect(now.body).toMatchObject({ status: 'revoked', request_count: 3 });

    const before = new Date(Date.parse(created.body.created_at) - 1000).toISOString();
    await request(t.http).get(`/v1/api-keys/${created.body.id}?as_of=${before}`).set(bearer(admin.key)).expect(404);
    const bad = await request(t.http).get(`/v1/api-keys/${created.body.id}?as_of=yesterday`).set(bearer(admin.key)).expect(400);
    expect(bad.body.error.message).toContain('as_of');
  });

  it('answers an as_of in the future as the key will be then: expired after its expiry, with what is recorded now', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'soon', expires_in_seconds: 3600 }).expect(201);
    await request(t.http).get('/v1/api-keys').set(bearer(created.body.key)).expect(200);
    await flushUsage(t);
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
    const inAMinute = await request(t.http).get(`/v1/api-keys/${created.body.id}?as_of=${at(60_000)}`).set(bearer(admin.key)).expect(200);
    expect(inAMinute.body).toMatchObject({ status: 'active', request_count: 1 });
    const nextWeek = await request(t.http).get(`/v1/api-keys/${created.body.id}?as_of=${at(7 * 86_400_000)}`).set(bearer(admin.key)).expect(200);
    expect(nextWeek.body).toMatchObject({ status: 'expired', request_count: 1, usage: { accepted: 1 } });
    expect(nextWeek.body.usage.requests_per_hour.map((hour: { count: number }) => hour.count)).toEqual(new Array(24).fill(0));
  });

  it('rebuilds the key at the times its answers show: as_of its created_at finds it, as_of its revoked_at finds it revoked', async () => {
    // Decided on a clock behind the log's, as when an append crosses a millisecond, only wider.
    const clock = freezeClock(t, Date.now() - 5_000);
    let created: { id: string; created_at: string };
    let revokedAt: string;
    try {
      created = (await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'timed' }).expect(201)).body;
      clock.set(Date.now() - 3_000);
      revokedAt = (await request(t.http).delete(`/v1/api-keys/${created.id}`).set(bearer(admin.key)).expect(200)).body.revoked_at;
    } finally {
      clock.restore();
    }
    const asOf = (instant: string | number) =>
      request(t.http).get(`/v1/api-keys/${created.id}`).query({ as_of: new Date(instant).toISOString() }).set(bearer(admin.key));
    expect((await asOf(created.created_at).expect(200)).body).toMatchObject({ status: 'active', created_at: created.created_at });
    await asOf(Date.parse(created.created_at) - 1).expect(404);
    expect((await asOf(Date.parse(revokedAt) - 1).expect(200)).body.status).toBe('active');
    expect((await asOf(revokedAt).expect(200)).body).toMatchObject({ status: 'revoked', revoked_at: revokedAt });
  });

  it('lists a use made before the revocation before it, though the batched use was logged after it; order=log keeps the log order', async () => {
    const slow = await startTestApp({ env: { USAGE_FLUSH_INTERVAL_MS: 60_000 } });
    try {
      const owner = await slow.bootstrapKey('acme');
      const created = await request(slow.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: 'batched' }).expect(201);
      await request(slow.http).get('/v1/api-keys?limit=1').set(bearer(created.body.key)).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await request(slow.http).delete(`/v1/api-keys/${created.body.id}`).set(bearer(owner.key)).expect(200);
      await flushUsage(slow);

      const read = async (query: string) =>
        (await request(slow.http).get(`/v1/api-keys/${created.body.id}/events${query}`).set(bearer(owner.key)).expect(200)).body.data as Array<{
          type: string;
          position: number;
          time: string;
        }>;
      const byTime = await read('');
      expect(byTime.map((e) => e.type)).toEqual(['KeyCreated', 'KeyUsed', 'KeyRevoked']);
      expect(byTime[1].position).toBeGreaterThan(byTime[2].position);
      expect(byTime.map((e) => e.time)).toEqual([...byTime.map((e) => e.time)].sort());
      expect((await read('?order=log')).map((e) => e.type)).toEqual(['KeyCreated', 'KeyRevoked', 'KeyUsed']);
      expect((await read('?order=occurred')).map((e) => e.type)).toEqual(['KeyCreated', 'KeyUsed', 'KeyRevoked']);
      const bad = await request(slow.http).get(`/v1/api-keys/${created.body.id}/events?order=sideways`).set(bearer(owner.key)).expect(400);
      expect(bad.body.error.message).toContain('order');
    } finally {
      await slow.destroy();
    }
  });

  it('pages every event exactly once at any limit when times are far from log order (seeded: clocks an hour apart, uses logged an hour late)', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const next = seededRandom(7);
    const keyId = randomUUID();
    const start = Date.now() - 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    await store.appendToStream(
      `api_key-${keyId}`,
      [{ type: 'KeyCreated', schemaVersion: 1, data: { keyId, accountId: 'acme', name: 'skewed', prefix: 'sk_0123456789ab', secretHash: 'ab'.repeat(32), rateLimit: { requests: 100, perSeconds: 60 }, createdAt: iso(start), actingKeyId: null } }],
      'no_stream',
    );
    // Three instances, two of them up to an hour off; one batch in five logged up to an hour late.
    const offsets = [0, (next() - 0.5) * 7_200_000, (next() - 0.5) * 7_200_000].map(Math.round);
    for (let batch = 0, used = 0; batch < 25; batch++) {
      const offset = offsets[Math.floor(next() * 3)];
      const late = next() < 0.2 ? next() * 3_600_000 : next() * 60_000;
      const uses = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => ({
        type: 'KeyUsed',
        schemaVersion: 1,
        data: { keyId, accountId: 'acme', usedAt: iso(start + batch * 600_000 - late + offset + i), requestId: `req_${used++}`, ip: '192.0.2.1', userAgent: null, method: 'GET', path: '/v1/parses', outcome: 'accepted' },
      }));
      await store.appendToStreams([{ streamId: `api_key_usage-${keyId}`, expectedRevision: 'any', events: uses }]);
    }
    const page = (order: string, limit: number, cursor: string | null) =>
      request(t.http)
        .get(`/v1/api-keys/${keyId}/events`)
        .query({ order, limit, ...(cursor ? { cursor } : {}) })
        .set(bearer(admin.key))
        .expect(200);
    const unpagedIn = async (order: string) => (await page(order, 100, null)).body.data.map((e: { position: number }) => e.position);
    // The times are that far from log order: listed by time, the events are not in log order.
    expect(await unpagedIn('occurred')).not.toEqual(await unpagedIn('log'));
    for (const order of ['occurred', 'log']) {
      const unpaged = (await page(order, 100, null)).body;
      expect(unpaged.has_more).toBe(false);
      const everything = unpaged.data.map((e: { stream: string; revision: number }) => `${e.stream}.${e.revision}`);
      for (const limit of [1, 2, 3, 5, 7, 13, 31, 50, everything.length - 1]) {
        const listed: string[] = [];
        let cursor: string | null = null;
        do {
          const body: { data: { stream: string; revision: number }[]; next_cursor: string | null } = (await page(order, limit, cursor)).body;
          listed.push(...body.data.map((e) => `${e.stream}.${e.revision}`));
          cursor = body.next_cursor;
        } while (cursor);
        expect({ order, limit, listed: [...listed].sort() }).toEqual({ order, limit, listed: [...everything].sort() });
        if (order === 'log') expect(listed).toEqual(everything);
      }
    }
  }, 60_000);

  it('pages newest first with direction=newest_first, back to the creation, without the uses made meanwhile', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'busy' }).expect(201);
    const use = async (n: number) => {
      for (let i = 0; i < n; i++) await request(t.http).get('/v1/api-keys?limit=1').set(bearer(created.body.key)).expect(200);
      await flushUsage(t);
    };
    await use(4);
    await request(t.http).patch(`/v1/api-keys/${created.body.id}`).set(bearer(admin.key)).send({ name: 'busier' }).expect(200);
    await use(2);
    const page = (cursor: string | null) =>
      request(t.http)
        .get(`/v1/api-keys/${created.body.id}/events`)
        .query({ direction: 'newest_first', limit: 3, ...(cursor ? { cursor } : {}) })
        .set(bearer(admin.key))
        .expect(200);
    const first = (await page(null)).body;
    expect(first.data.map((e: { type: string }) => e.type)).toEqual(['KeyUsed', 'KeyUsed', 'KeyUpdated']);
    expect(first.has_more).toBe(true);
    await use(2); // logged after the first page: above where it started, so not on the later pages
    const trail = [...first.data];
    for (let cursor = first.next_cursor; cursor; ) {
      const body = (await page(cursor)).body;
      trail.push(...body.data);
      cursor = body.next_cursor;
    }
    expect(trail.map((e) => `${e.type}.${e.stream}.${e.revision}`)).toEqual([
      'KeyUsed.usage.5', 'KeyUsed.usage.4', 'KeyUpdated.lifecycle.1', 'KeyUsed.usage.3', 'KeyUsed.usage.2', 'KeyUsed.usage.1', 'KeyUsed.usage.0', 'KeyCreated.lifecycle.0',
    ]);
    const times = trail.map((e) => e.time as string);
    expect(times).toEqual([...times].sort().reverse());
    // The newest first page of the log order, and the default is oldest first, as before.
    const log = await request(t.http).get(`/v1/api-keys/${created.body.id}/events?direction=newest_first&order=log&limit=1`).set(bearer(admin.key)).expect(200);
    expect(log.body.data.map((e: { stream: string; revision: number }) => `${e.stream}.${e.revision}`)).toEqual(['usage.7']);
    const oldest = await request(t.http).get(`/v1/api-keys/${created.body.id}/events?limit=1`).set(bearer(admin.key)).expect(200);
    expect(oldest.body.data[0].type).toBe('KeyCreated');
  });

  it('refuses a direction it does not know, naming the two it does', async () => {
    for (const direction of ['backwards', 'NEWEST_FIRST', '']) {
      const res = await request(t.http).get(`/v1/api-keys/${admin.keyId}/events`).query({ direction }).set(bearer(admin.key)).expect(400);
      expect(res.body.error).toEqual({ type: 'invalid_request_error', message: expect.stringContaining('direction must be one of oldest_first, newest_first') });
    }
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await request(t.http).get(`/v1/api-keys/${admin.keyId}/events?cursor=bm9wZQ`).set(bearer(admin.key)).expect(400);
    expect(res.body.error.message).toContain('cursor');
  });
});
