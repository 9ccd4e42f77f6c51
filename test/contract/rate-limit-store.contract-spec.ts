import { randomUUID } from 'node:crypto';
import { InProcessRateLimitStore } from '../../src/infrastructure/in-memory/in-process-rate-limit-store.js';
import { openRedisConnection, redisReady } from '../../src/infrastructure/redis/redis-connection.js';
import { RedisRateLimitStore } from '../../src/infrastructure/redis/redis-rate-limit-store.js';
import { whenRedis } from '../support/redis.js';
import { rateLimitStoreContract } from './rate-limit-store.contract.js';

rateLimitStoreContract('in-process', {
  shared: false,
  open: async () => ({ first: new InProcessRateLimitStore(), second: new InProcessRateLimitStore(), cleanup: async () => undefined }),
});

// Leases of up to a minute's worth: every limit of the contract goes through GCRA_RESERVE_SCRIPT, none through the exact path.
for (const [name, leaseMs] of [['redis', 0], ['redis with leases', 60_000]] as const) {
  whenRedis(`Redis rate-limit store contract (${name})`, (url) =>
    rateLimitStoreContract(name, {
      shared: true,
      open: async () => {
        const connect = async () => {
          const redis = openRedisConnection(url, 'contract-test');
          if (!(await redisReady(redis, 5000))) throw new Error(`no Redis at ${url}`);
          return new RedisRateLimitStore(redis, () => undefined, { leaseMs });
        };
        const [first, second] = await Promise.all([connect(), connect()]);
        return { first, second, cleanup: async () => void (await Promise.all([first.close(), second.close()])) };
      },
    }),
  );
}

// A state dated after Redis's clock, as one written before Redis's host stepped its clock back an hour: without
// the scripts dating it now on a refusal, a 3/1 s key was refused until the clock was back at that date.
whenRedis('Redis rate limits after Redis clock stepped back', (url) =>
  describe('Redis rate limits after Redis clock stepped back', () => {
    for (const [name, leaseMs] of [['exact', 0], ['leased', 60_000]] as const) {
      it(`drains a state dated an hour ahead from now, not from its date (${name})`, async () => {
        const redis = openRedisConnection(url, 'contract-test');
        const storeRedis = openRedisConnection(url, 'contract-test');
        if (!(await redisReady(redis, 5000)) || !(await redisReady(storeRedis, 5000))) throw new Error(`no Redis at ${url}`);
        const store = new RedisRateLimitStore(storeRedis, () => undefined, { leaseMs });
        try {
          const subject = `key:${randomUUID()}`;
          const [seconds] = await redis.time();
          await redis.set(`parsesphere:rate-level:${subject}`, `3 ${(Number(seconds) + 3600) * 1000} ${1000 / 3}`, 'PX', 7_200_000);
          const limit = { requests: 3, perSeconds: 1 };
          expect((await store.consume(subject, limit)).allowed).toBe(false);
          await new Promise((resolve) => setTimeout(resolve, 1100));
          expect((await store.consume(subject, limit)).allowed).toBe(true);
        } finally {
          await Promise.all([store.close(), redis.quit()]);
        }
      });
    }
  }),
);
