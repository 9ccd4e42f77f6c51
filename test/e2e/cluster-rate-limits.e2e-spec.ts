import { jest } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { parseExposition, sample } from '../support/prometheus-text.js';
import { whenRedis, startRedisServer, type RedisServer } from '../support/redis.js';
import { createKeyWithCli, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const VERIFY_TOKEN = 'cluster-test-verify-token-0123456789abcdef';

/** Three real service processes on one embedded log, sharing a Redis of the test's own (it is stopped and restarted). */
whenRedis('Shared rate limits across three instances', () => {
  describe('Three instances sharing Redis: rate limits, revocation nudge, outage', () => {
    jest.setTimeout(90_000);
    const dir = makeTempDir('cluster');
    let redis: RedisServer;
    let instances: ServiceProcess[] = [];
    const ids: Record<string, string> = {};
    const keys: Record<'exact' | 'outage' | 'recovered' | 'other' | 'victim' | 'stall', string> = { exact: '', outage: '', recovered: '', other: '', victim: '', stall: '' };

    beforeAll(async () => {
      redis = await startRedisServer();
      for (const name of Object.keys(keys) as (keyof typeof keys)[]) {
        // The stall's key drains one request in 6 minutes: what the test counts does not drain while it runs.
        const created = createKeyWithCli(dir.path, ['--name', name, '--rate-limit', name === 'stall' ? '10/3600' : '10/60']);
        keys[name] = created.key;
        ids[name] = created.id;
      }
      // A poll and a usage flush (an append wakes the instance's own subscriptions) far longer than the test waits:
      // another instance can learn of a revocation in time only from the nudge.
      const env = { DATA_DIR: dir.path, REDIS_URL: redis.url, VERIFY_TOKEN, POLL_INTERVAL_MS: '10000', USAGE_FLUSH_INTERVAL_MS: '60000' };
      // One after the other: three starts at once can pass startServiceProcess's deadline on a loaded machine.
      for (let i = 0; i < 3; i++) instances.push(await startServiceProcess(env));
    });

    afterAll(async () => {
      for (const instance of instances) {
        instance.child.kill('SIGTERM');
        await instance.exited;
      }
      await redis?.stop();
      dir.remove();
    });

    const verify = async (instance: ServiceProcess, key: string) => {
      const res = await fetch(`${instance.url}/v1/keys/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { valid: boolean; code?: string };
    };
    /** Sends `count` requests one after the other, instance 0, 1, 2, 0, ...; the number admitted. */
    const roundRobin = async (key: string, count: number) => {
      let accepted = 0;
      for (let i = 0; i < count; i++) {
        const answer = await verify(instances[i % instances.length], key);
        if (answer.valid) accepted++;
        else expect(answer.code).toBe('RATE_LIMITED');
      }
      return accepted;
    };
    const sharing = async (instance: ServiceProcess) => {
      const res = await fetch(`${instance.url}/health/ready`);
      const body = (await res.json()) as { details: { rate_limits: { sharing: string } } };
      return { status: res.status, sharing: body.details.rate_limits.sharing };
    };

    /** The rate-limit sharing metrics of one instance: the current mode's gauge, the fallbacks, the lone decisions. */
    const limitMetrics = async (instance: ServiceProcess) => {
      const res = await fetch(`${instance.url}/metrics`);
      expect(res.status).toBe(200);
      const samples = parseExposition(await res.text());
      const modes = ['shared', 'per-instance', 'in-process'].filter((mode) => sample(samples, `parsesphere_rate_limits_sharing{mode="${mode}"}`) === 1);
      return {
        mode: modes.join(','),
        fallbacks: sample(samples, 'parsesphere_rate_limit_fallbacks_total'),
        alone: sample(samples, 'parsesphere_rate_limit_per_instance_decisions_total'),
      };
    };

    it('admits exactly the limit, 10 per 60 s, to a key hit round-robin', async () => {
      expect(await roundRobin(keys.exact, 30)).toBe(10);
      for (const instance of instances) expect(await sharing(instance)).toEqual({ status: 200, sharing: 'shared' });
      for (const instance of instances) expect(await limitMetrics(instance)).toEqual({ mode: 'shared', fallbacks: 0, alone: 0 });
    });

    it('makes every instance refuse a revoked key at once, through the nudge, and answers with a receipt', async () => {
      for (const instance of instances) expect((await verify(instance, keys.victim)).valid).toBe(true);
      const res = await fetch(`${instances[0].url}/v1/api-keys/${ids.victim}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${keys.other}` },
      });
      expect(res.status).toBe(200);
      const answeredAt = Date.now();
      const { revocation } = (await res.json()) as { revocation: { position: number; in_force_at: string; instances_live: number } };
      expect(revocation.position).toBeGreaterThan(0);
      // Both others are live by their heartbeat; how many confirmed within 50 ms depends on the machine's load.
      expect(revocation).toMatchObject({ instances_live: 2, instances_confirmed: expect.any(Number) });
      expect(Date.parse(revocation.in_force_at)).toBeLessThanOrEqual(answeredAt);
      expect(await verify(instances[0], keys.victim)).toEqual({ valid: false, code: 'REVOKED' });
      // Well within the 10 s poll: only the nudge explains it.
      for (const instance of instances.slice(1)) {
        await eventually(async () => expect(await verify(instance, keys.victim)).toEqual({ valid: false, code: 'REVOKED' }), 2000);
      }
      expect(Date.now() - answeredAt).toBeLessThan(2000);
    });

    it('with Redis stopped, goes on serving with per-instance limits and says so while staying ready', async () => {
      await redis.stop();
      // Idle instances say so too, from their closed connection, before any request.
      await eventually(async () => {
        for (const instance of instances) expect(await sharing(instance)).toEqual({ status: 200, sharing: 'per-instance' });
      }, 2000, 50);
      expect(await roundRobin(keys.outage, 36)).toBe(30);
      for (const instance of instances) expect(await sharing(instance)).toEqual({ status: 200, sharing: 'per-instance' });
      // The metrics say so too: one fallback per instance, and its 12 requests of the 36 decided alone.
      for (const instance of instances) {
        const seen = await limitMetrics(instance);
        expect(seen).toEqual({ mode: 'per-instance', fallbacks: 1, alone: expect.any(Number) });
        expect(seen.alone).toBeGreaterThanOrEqual(12);
      }
      // Everything else works: a /v1 route answers.
      const list = await fetch(`${instances[0].url}/v1/api-keys`, { headers: { authorization: `Bearer ${keys.other}` } });
      expect(list.status).toBe(200);
    });

    it('shares again by itself once Redis is back', async () => {
      const duringOutage = await Promise.all(instances.map(limitMetrics));
      await redis.start();
      // Each instance says "shared" once its rate-limit connection is back and past ioredis's ready check (until
      // then it decides alone, by design), without a request to tell it.
      await eventually(async () => {
        for (const instance of instances) expect(await sharing(instance)).toEqual({ status: 200, sharing: 'shared' });
      }, 10_000);
      expect(await roundRobin(keys.recovered, 30)).toBe(10);
      // Back to shared, the fallback counted once, and nothing more decided alone once Redis answered.
      for (const [i, instance] of instances.entries()) {
        expect(await limitMetrics(instance)).toEqual({ mode: 'shared', fallbacks: 1, alone: duringOutage[i].alone });
      }
    });

    it('after a stall (Redis frozen, connections open), says shared again once Redis answers, without a request', async () => {
      redis.freeze();
      try {
        // The first command times out (100 ms): decided alone, and so are the next ones while the outage is known.
        for (let i = 0; i < 4; i++) expect((await verify(instances[0], keys.stall)).valid).toBe(true);
        expect(await limitMetrics(instances[0])).toMatchObject({ mode: 'per-instance', fallbacks: 2 });
      } finally {
        redis.thaw();
      }
      // No reconnection ends a stall: the instance's own probe (the GCRA script, once a second) tells it Redis answers again.
      await eventually(async () => expect(await limitMetrics(instances[0])).toMatchObject({ mode: 'shared' }), 5000, 100);
      expect(await sharing(instances[0])).toEqual({ status: 200, sharing: 'shared' });
      // What instance 0 admitted alone (4) was spent in Redis when it answered, and so was the step that timed out
      // (the frozen Redis ran it on waking: counted twice, as the docs say): the instances admit only what is left.
      expect(await roundRobin(keys.stall, 30)).toBe(10 - 4 - 1);
    });
  });
});
