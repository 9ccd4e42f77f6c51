import { Redis } from 'ioredis';
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
    const eventually = async (check: () => boolean, withinMs = 3000) => {
      for (const deadline = Date.now() + withinMs; !check() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
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

    it('a primary demoted in place (REPLICAOF on it): an idle instance goes per instance with its READONLY, and shared again once promoted', async () => {
      const primary = await startRedisServer();
      const admin = new Redis(primary.url, { lazyConnect: true });
      try {
        const { store, logged } = await storeOn(primary.url);
        await eventually(() => store.sharing().mode === 'shared');
        expect(store.sharing()).toEqual({ mode: 'shared' });
        // Demoted to a replica of a primary that is not there: the connection stays open, PING answers, writes are refused.
        await admin.call('REPLICAOF', '127.0.0.1', String(await freePort()));
        // No request meanwhile: only the connection's heartbeat can tell (until 2026-12-07 it said `shared` until a request failed).
        await eventually(() => store.sharing().mode === 'per-instance', 10_000);
        expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: expect.stringContaining('READONLY') });
        await admin.call('REPLICAOF', 'NO', 'ONE');
        await eventually(() => store.sharing().mode === 'shared', 10_000);
        expect(store.sharing()).toEqual({ mode: 'shared' });
        expect(logged).toEqual([expect.stringMatching(/^warn: Redis unavailable \(READONLY/), 'log: Redis answers again: rate limits are shared by every instance']);
      } finally {
        admin.disconnect();
        await primary.stop();
      }
    });

    it('the heartbeat asks ROLE on the limits connection, and PING again where an ACL refuses ROLE (still shared, nothing logged)', async () => {
      const server = await startRedisServer();
      const admin = new Redis(server.url, { lazyConnect: true });
      const lastCommand = async (name: string) => {
        const clients = String(await admin.call('CLIENT', 'LIST'));
        return /\bcmd=(\S+)/.exec(clients.split('\n').find((line) => line.includes(`name=${name} `)) ?? '')?.[1];
      };
      try {
        const { store, logged } = await storeOn(server.url);
        let seen: string | undefined;
        for (const deadline = Date.now() + 5000; seen !== 'role' && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) seen = await lastCommand('roles-limits');
        expect(seen).toBe('role');
        await admin.call('ACL', 'SETUSER', 'default', '-role');
        for (const deadline = Date.now() + 5000; seen !== 'ping' && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) seen = await lastCommand('roles-limits');
        expect(seen).toBe('ping');
        expect(store.sharing()).toEqual({ mode: 'shared' });
        expect(logged).toEqual([]);
      } finally {
        admin.disconnect();
        await server.stop();
      }
    });

    it('a node of a Redis Cluster: refused with a reason that says so', async () => {
      const { store, logged } = await storeOn(clusterNode.url);
      await eventually(() => store.sharing().mode === 'per-instance');
      expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: expect.stringContaining('Redis Cluster (redis_mode:cluster), which is not supported') });
      expect(logged).toHaveLength(1);
    });
  });
});
