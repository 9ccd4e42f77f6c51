import { InProcessRateLimitStore } from '../../src/infrastructure/in-memory/in-process-rate-limit-store.js';
import { openRedisConnection, redisReady } from '../../src/infrastructure/redis/redis-connection.js';
import { RedisRateLimitStore } from '../../src/infrastructure/redis/redis-rate-limit-store.js';
import { whenRedis } from '../support/redis.js';
import { rateLimitStoreContract } from './rate-limit-store.contract.js';

rateLimitStoreContract('in-process', {
  shared: false,
  open: async () => ({ first: new InProcessRateLimitStore(), second: new InProcessRateLimitStore(), cleanup: async () => undefined }),
});

whenRedis('Redis rate-limit store contract', (url) =>
  rateLimitStoreContract('redis', {
    shared: true,
    open: async () => {
      const connect = async () => {
        const redis = openRedisConnection(url, 'contract-test');
        if (!(await redisReady(redis, 5000))) throw new Error(`no Redis at ${url}`);
        return new RedisRateLimitStore(redis, () => undefined);
      };
      const [first, second] = await Promise.all([connect(), connect()]);
      return { first, second, cleanup: async () => void (await Promise.all([first.close(), second.close()])) };
    },
  }),
);
