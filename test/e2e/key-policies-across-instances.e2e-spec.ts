import { callInstance } from '../support/instance-call.js';
import type { ServiceProcess } from '../support/service-process.js';
import { twoInstancesOnOneStore } from '../support/two-instances.js';

const POLL_INTERVAL_MS = 50;
/** The most an instance may trail the log here: its poll interval, plus a generous margin for a loaded machine. */
const LAG_BOUND_MS = 1000;

/** Polls until the instance answers `status` for the key, and says how long it took. */
async function lagUntil(instance: ServiceProcess, key: string, status: number, since: number): Promise<number> {
  for (;;) {
    if ((await callInstance(instance, key)).status === status) return Date.now() - since;
    if (Date.now() - since > 5000) throw new Error(`still not ${status} after 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Key policies with two service processes on one store', () => {
  const two = twoInstancesOnOneStore('two-instances', { POLL_INTERVAL_MS: String(POLL_INTERVAL_MS), AUTH_FAILURE_LIMIT: '10000' });
  let a: ServiceProcess;
  let b: ServiceProcess;
  let admin: string;

  beforeAll(async () => {
    ({ a, b, admin } = two);
    await lagUntil(b, admin, 200, Date.now());
    await lagUntil(a, admin, 200, Date.now());
  }, 60_000);

  const create = async (body: object = {}) => {
    const created = await callInstance(a, admin, 'POST', '/v1/api-keys', body);
    expect(created.status).toBe(201);
    await lagUntil(b, created.body.key, 200, Date.now());
    return created.body as { id: string; key: string; expires_at: string };
  };

  it('a disable on one instance is in force on the other within its projection lag, and so is the enable', async () => {
    const key = await create();
    expect((await callInstance(a, admin, 'POST', `/v1/api-keys/${key.id}/disable`)).status).toBe(200);
    const since = Date.now();
    expect((await callInstance(a, key.key)).status).toBe(401);
    expect(await lagUntil(b, key.key, 401, since)).toBeLessThan(LAG_BOUND_MS);
    expect((await callInstance(a, admin, 'POST', `/v1/api-keys/${key.id}/enable`)).status).toBe(200);
    expect(await lagUntil(b, key.key, 200, Date.now())).toBeLessThan(LAG_BOUND_MS);
  });

  it('a roll with no grace on one instance refuses the old key and accepts the new one on the other', async () => {
    const key = await create();
    const rolled = await callInstance(a, admin, 'POST', `/v1/api-keys/${key.id}/roll`, { grace_seconds: 0 });
    expect(rolled.status).toBe(201);
    const since = Date.now();
    expect(await lagUntil(b, key.key, 401, since)).toBeLessThan(LAG_BOUND_MS);
    expect(await lagUntil(b, rolled.body.key, 200, since)).toBeLessThan(LAG_BOUND_MS);
  });

  it('an address restriction set on one instance is enforced by the other', async () => {
    const key = await create();
    expect((await callInstance(a, admin, 'PATCH', `/v1/api-keys/${key.id}`, { allowed_ips: ['203.0.113.0/24'] })).status).toBe(200);
    expect(await lagUntil(b, key.key, 403, Date.now())).toBeLessThan(LAG_BOUND_MS);
  });

  it('an expiry is in force on both from its instant, and exactly one KeyExpired is recorded though both run the scheduler', async () => {
    const key = await create({ expires_in_seconds: 2 });
    const expiresAt = Date.parse(key.expires_at);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now())));
    expect((await callInstance(b, key.key)).status).toBe(401);
    expect((await callInstance(a, key.key)).status).toBe(401);
    let history: Array<{ type: string; data: Record<string, unknown> }> = [];
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
      history = (await callInstance(b, admin, 'GET', `/v1/api-keys/${key.id}/events?order=log`)).body.data;
      if (history.some((event) => event.type === 'KeyExpired')) break;
    }
    expect(history.filter((event) => event.type === 'KeyExpired')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ expiredAt: key.expires_at, reason: 'expires_at' }) }),
    ]);
  });
});
