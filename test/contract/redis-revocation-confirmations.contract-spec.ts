import { randomUUID } from 'node:crypto';
import { channelOf, openRedisConnection, openRedisSubscriber, redisReady } from '../../src/infrastructure/redis/redis-connection.js';
import { CONFIRMATION_KEYS, FORGET_AFTER_MS, RedisRevocationConfirmations } from '../../src/infrastructure/redis/redis-revocation-confirmations.js';
import { eventually } from '../support/eventually.js';
import { whenRedis } from '../support/redis.js';

whenRedis('Redis revocation confirmations', (url) => {
  describe('RedisRevocationConfirmations', () => {
    const opened: RedisRevocationConfirmations[] = [];
    const instance = async (inForce: (position: number) => Promise<void>, on = url) => {
      const name = `confirm-test-${randomUUID()}`;
      const publisher = openRedisConnection(on, name);
      const subscriber = openRedisSubscriber(on, name);
      await redisReady(publisher, 5000);
      const confirmations = new RedisRevocationConfirmations(publisher, subscriber, inForce, 300);
      await confirmations.start();
      opened.push(confirmations);
      return confirmations;
    };
    const probe = openRedisConnection(url, 'confirm-test-probe');
    afterAll(async () => {
      await Promise.all(opened.map((c) => c.close()));
      probe.disconnect();
    });

    it('counts the live instances that have the position in force within the wait, and not the others', async () => {
      const asked: number[] = [];
      const asker = await instance(async () => undefined);
      await instance(async (position) => void asked.push(position));
      await instance(() => new Promise<void>(() => undefined)); // never catches up
      // Registration (the first heartbeat) and the subscriptions take a moment: on a loaded machine more than a fixed wait.
      await eventually(async () => {
        for (const channel of [CONFIRMATION_KEYS.ask, CONFIRMATION_KEYS.answer]) {
          const [, subscribers] = (await probe.pubsub('NUMSUB', channelOf(probe, channel))) as [string, number];
          expect(subscribers).toBeGreaterThanOrEqual(opened.length);
        }
        const registered = await probe.hgetall(CONFIRMATION_KEYS.registry);
        for (const { instanceId } of opened) expect(registered[instanceId]).toBeDefined();
      });
      const result = await asker.confirm(42);
      expect(result).toMatchObject({ confirmed: 1 });
      expect(result!.live).toBeGreaterThanOrEqual(2);
      expect(asked).toEqual([42]);
    });

    it('counts no answer from a deployment on another database of the same Redis (pub/sub ignores the database)', async () => {
      const otherDatabase = new URL(url);
      otherDatabase.pathname = `/${Number(otherDatabase.pathname.slice(1) || 0) + 1}`;
      const asker = await instance(async () => undefined, otherDatabase.href);
      const frozen = await instance(() => new Promise<void>(() => undefined), otherDatabase.href);
      const askedOfTheOther: number[] = [];
      const other = await instance(async (position) => void askedOfTheOther.push(position));
      const otherProbe = openRedisConnection(otherDatabase.href, 'confirm-test-probe-other');
      try {
        await eventually(async () => {
          expect(Object.keys(await otherProbe.hgetall(CONFIRMATION_KEYS.registry))).toEqual(expect.arrayContaining([asker.instanceId, frozen.instanceId]));
          expect(Object.keys(await probe.hgetall(CONFIRMATION_KEYS.registry))).toContain(other.instanceId);
        });
        expect(await asker.confirm(99)).toEqual({ confirmed: 0, live: 1 });
        expect(askedOfTheOther).toEqual([]);
      } finally {
        otherProbe.disconnect();
      }
    });

    // Until 2026-12-07 the hash had no TTL and only a revocation dropped an entry: each instance killed without a
    // goodbye stayed in it while no key was revoked, and a deployment gone left the hash in Redis for ever.
    it('drops at its next beat the entry of an instance gone for a minute, and keeps the registry only a minute after the last beat', async () => {
      const [seconds] = await probe.time();
      const gone = `confirm-test-gone-${randomUUID()}`;
      await probe.hset(CONFIRMATION_KEYS.registry, gone, String((Number(seconds) - 61) * 1000));
      await instance(async () => undefined);
      await eventually(async () => {
        expect(await probe.hexists(CONFIRMATION_KEYS.registry, gone)).toBe(0);
        const ttl = await probe.pttl(CONFIRMATION_KEYS.registry);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(FORGET_AFTER_MS);
      });
    });

    it('counts an instance started before its connection was ready as soon as the connection is', async () => {
      const asker = await instance(async () => undefined);
      const before = (await asker.confirm(1))!.live;
      const name = `confirm-test-${randomUUID()}`;
      const publisher = openRedisConnection(url, name);
      const late = new RedisRevocationConfirmations(publisher, openRedisSubscriber(url, name), async () => undefined, 300);
      await late.start();
      opened.push(late);
      // Listeners run in the order they were added: the instance's own beat is sent before this wait resolves, and
      // the PING after it on the same connection answers once the beat is written. No wait for the next interval.
      expect(await redisReady(publisher, 5000)).toBe(true);
      await publisher.ping();
      expect((await asker.confirm(2))!.live).toBe(before + 1);
    });
  });
});
