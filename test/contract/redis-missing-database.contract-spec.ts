import { openRedisConnection, openRedisSubscriber } from '../../src/infrastructure/redis/redis-connection.js';
import { RedisRateLimitStore } from '../../src/infrastructure/redis/redis-rate-limit-store.js';
import { type RedisServer, startRedisServer, whenRedis } from '../support/redis.js';

whenRedis('A REDIS_URL database the server does not have', () => {
  describe('A REDIS_URL database the server does not have (/20 on a Redis of 16)', () => {
    let server: RedisServer;

    beforeAll(async () => {
      server = await startRedisServer(undefined, ['--databases', '16']);
    });
    afterAll(async () => {
      await server.stop();
    });

    it('is an outage with Redis answer as its reason: nothing is counted on database 0', async () => {
      const logged: string[] = [];
      const store = new RedisRateLimitStore(openRedisConnection(`${server.url}/20`, 'missing-db-limits'), (_level, message) => void logged.push(message));
      const subscriber = openRedisSubscriber(`${server.url}/20`, 'missing-db-subscriber');
      const database0 = openRedisConnection(server.url, 'missing-db-probe');
      try {
        await store.waitForFirstConnection(1500);
        // Before: SELECT refused, the connection went on on database 0 and said "shared".
        expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: expect.stringContaining('DB index is out of range') });
        expect(logged).toEqual([expect.stringContaining('Redis unavailable (ERR DB index is out of range)')]);
        expect((await store.consume('key:missing-db', { requests: 5, perSeconds: 60 })).allowed).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(subscriber.status).not.toBe('ready');
        expect(await database0.keys('parsesphere:*')).toEqual([]);
      } finally {
        await store.close();
        subscriber.disconnect();
        database0.disconnect();
      }
    }, 20_000);
  });
});
