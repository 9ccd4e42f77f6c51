import { jest } from '@jest/globals';
import request from 'supertest';
import { ClockWatchService } from '../../src/app/clock/clock-watch.service.js';
import { OUTVOTED_CLOCK_MESSAGE } from '../../src/keys/commands/clock-in-step.guard.js';
import type { ClockStanding } from '../../src/shared/runtime/clock-standing.js';
import { bearer } from '../support/auth.js';
import { createKey, INVALID_KEY_BODY } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';
/** Three instances, the two others agreeing with each other, this one an hour ahead of both. */
const OUTVOTED: ClockStanding = { status: 'out_of_step', offsetMs: 3_600_000, instances: 3, agreeing: 1, outvoted: true };
/** Two instances that disagree: out of step, but nobody can tell which clock is off. */
const TIED: ClockStanding = { ...OUTVOTED, instances: 2, outvoted: false };

describe('An instance whose clock most instances outvote', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { VERIFY_TOKEN } });
    admin = (await t.bootstrapKey('acme')).key;
  });
  afterAll(() => t.destroy());

  const withStanding = async (standing: ClockStanding, body: () => Promise<void>) => {
    const spy = jest.spyOn(t.app.get(ClockWatchService), 'standing').mockReturnValue(standing);
    try {
      await body();
    } finally {
      spy.mockRestore();
    }
  };
  const refusedAsOutvoted = { error: { type: 'service_unavailable_error', message: OUTVOTED_CLOCK_MESSAGE } };

  it('refuses every change dated by its clock with 503, and changes nothing', async () => {
    const key = await createKey(t, admin, { name: 'before' });
    await withStanding(OUTVOTED, async () => {
      const changes = [
        request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'dated an hour ahead' }),
        request(t.http).patch(`/v1/api-keys/${key.id}`).set(bearer(admin)).send({ name: 'renamed' }),
        request(t.http).post(`/v1/api-keys/${key.id}/roll`).set(bearer(admin)).send({}),
        request(t.http).post(`/v1/api-keys/${key.id}/disable`).set(bearer(admin)),
        request(t.http).post(`/v1/api-keys/${key.id}/enable`).set(bearer(admin)),
      ];
      for (const answer of await Promise.all(changes)) {
        expect([answer.status, answer.body]).toEqual([503, refusedAsOutvoted]);
      }
      // Reads, authentication and verify still serve.
      const listed = await request(t.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
      expect(listed.body.data.map((k: { name: string }) => k.name)).not.toContain('dated an hour ahead');
      const detail = await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
      expect(detail.body).toMatchObject({ name: 'before', status: 'active' });
      const verified = await request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key: key.key }).expect(200);
      expect(verified.body).toMatchObject({ valid: true, key_id: key.id });
    });
  });

  it('authenticates before it refuses: an unknown key is 401, not 503', async () => {
    await withStanding(OUTVOTED, async () => {
      const answer = await request(t.http).post('/v1/api-keys').set(bearer('sk_live_' + 'x'.repeat(40))).send({});
      expect([answer.status, answer.body]).toEqual([401, INVALID_KEY_BODY]);
    });
  });

  it('still revokes: ending a key matters more than the date it carries', async () => {
    const key = await createKey(t, admin);
    await withStanding(OUTVOTED, async () => {
      await request(t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(admin)).expect(200);
      await request(t.http).get('/v1/api-keys').set(bearer(key.key)).expect(401);
    });
  });

  it('is not ready while outvoted, so a balancer routes to the others; ready again once it agrees', async () => {
    await withStanding(OUTVOTED, async () => {
      const ready = await request(t.http).get('/health/ready').expect(503);
      expect(ready.body.error).toEqual({ type: 'service_unavailable_error', message: 'Not ready: clock' });
      expect(ready.body.details.clock).toEqual({ status: 'down', standing: 'out_of_step', offset_ms: 3_600_000, instances: 3, agreeing: 1, outvoted: true, tolerance_ms: 2000 });
    });
    const ready = await request(t.http).get('/health/ready').expect(200);
    expect(ready.body.details.clock).toMatchObject({ status: 'up', outvoted: false });
    await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'after' }).expect(201);
  });

  it('in a tie (two instances that disagree) it stays ready and takes changes: neither clock is known to be off', async () => {
    await withStanding(TIED, async () => {
      const ready = await request(t.http).get('/health/ready').expect(200);
      expect(ready.body.details.clock).toMatchObject({ status: 'up', standing: 'out_of_step', outvoted: false });
      await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'in a tie' }).expect(201);
    });
  });
});
