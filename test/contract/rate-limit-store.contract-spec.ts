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
