import { openRedisConnection } from '../../src/infrastructure/redis/redis-connection.js';
import { RedisRateLimitStore } from '../../src/infrastructure/redis/redis-rate-limit-store.js';
import { type RedisServer, startRedisServer, whenRedis } from '../support/redis.js';

whenRedis('A Redis that closes idle connections', () => {
  describe('A Redis that closes idle connections (timeout 2)', () => {
    let server: RedisServer;

    beforeAll(async () => {
      server = await startRedisServer(undefined, ['--timeout', '2']);
    });
    afterAll(async () => {
      await server.stop();
    });

    it('is no outage for an idle instance: nothing logged, nothing counted, still shared', async () => {
      const logged: string[] = [];
      const fallbacks = { value: 0, inc: () => void fallbacks.value++ };
      const store = new RedisRateLimitStore(openRedisConnection(server.url, 'idle-limits'), (level, message) => void logged.push(`${level}: ${message}`), {
        counters: { fallbacks, perInstanceDecisions: { value: 0, inc: () => undefined } },
      });
      try {
        await store.waitForFirstConnection(2000);
        expect((await store.consume('key:idle', { requests: 5, perSeconds: 60 })).allowed).toBe(true);
        // Idle for more than twice the server's timeout. Before: closed at 2-3 s, a warn and a fallback each time.
        await new Promise((resolve) => setTimeout(resolve, 5500));
        expect(logged).toEqual([]);
        expect(fallbacks.value).toBe(0);
        expect(store.sharing()).toEqual({ mode: 'shared' });
      } finally {
        await store.close();
      }
    }, 20_000);
  });
});
