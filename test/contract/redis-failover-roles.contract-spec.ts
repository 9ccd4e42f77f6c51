import { openRedisConnection, openRedisSubscriber } from '../../src/infrastructure/redis/redis-connection.js';
import { RedisRateLimitStore } from '../../src/infrastructure/redis/redis-rate-limit-store.js';
import { RedisRevocationConfirmations } from '../../src/infrastructure/redis/redis-revocation-confirmations.js';
import { type RedisServer, startRedisServer, whenRedis } from '../support/redis.js';
import { freePort } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * Real redis-server processes in the roles a failover or a managed Redis gives REDIS_URL's host: a read-only replica
 * (of a primary that is not there: it answers reads and PING, refuses writes) and a node of a Redis Cluster.
 */
whenRedis('Redis roles REDIS_URL may point at after a failover', () => {
  describe('Redis roles REDIS_URL may point at after a failover', () => {
    const opened: { close(): Promise<void> }[] = [];
    let replica: RedisServer;
    let clusterNode: RedisServer;
    const clusterDir = makeTempDir('redis-cluster-node');

    beforeAll(async () => {
      replica = await startRedisServer(undefined, ['--replicaof', '127.0.0.1', String(await freePort())]);
      clusterNode = await startRedisServer(undefined, ['--cluster-enabled', 'yes', '--cluster-port', String(await freePort()), '--dir', clusterDir.path]);
    });
    afterAll(async () => {
      await Promise.all(opened.splice(0).map((c) => c.close()));
      await replica?.stop();
      await clusterNode?.stop();
      clusterDir.remove();
    });

    const storeOn = async (url: string) => {
      const logged: string[] = [];
      const store = new RedisRateLimitStore(openRedisConnection(url, 'roles-limits'), (level, message) => void logged.push(`${level}: ${message}`));
      opened.push(store);
      await store.waitForFirstConnection(2000);
      return { store, logged };
    };
    const eventually = async (check: () => boolean) => {
      for (const deadline = Date.now() + 3000; !check() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    };

    it('a read-only replica: per instance with its READONLY at once, not `shared` until a request', async () => {
      const { store, logged } = await storeOn(replica.url);
      await eventually(() => store.sharing().mode === 'per-instance');
      expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: expect.stringContaining('READONLY') });
      expect(logged).toHaveLength(1);
    });

    it('a read-only replica: a receipt has no instances fields, not `instances_live: 0` beside a running instance', async () => {
      const confirmations = () => new RedisRevocationConfirmations(openRedisConnection(replica.url, 'roles-confirm'), openRedisSubscriber(replica.url, 'roles-sub'), async () => undefined, 50);
      const asker = confirmations();
      const other = confirmations();
      opened.push(asker, other);
      await asker.start();
      await other.start();
      await new Promise((resolve) => setTimeout(resolve, 1500)); // a beat refused
      expect(await asker.confirm(1)).toBeNull();
    });

    it('a node of a Redis Cluster: refused with a reason that says so', async () => {
      const { store, logged } = await storeOn(clusterNode.url);
      await eventually(() => store.sharing().mode === 'per-instance');
      expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: expect.stringContaining('Redis Cluster (redis_mode:cluster), which is not supported') });
      expect(logged).toHaveLength(1);
    });
  });
});
