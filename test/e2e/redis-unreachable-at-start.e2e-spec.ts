import { createServer } from 'node:net';
import { eventually } from '../support/eventually.js';
import { startRedisServer, whenRedis, type RedisServer } from '../support/redis.js';
import { createKeyWithCli, freePort, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const VERIFY_TOKEN = 'unreachable-test-verify-token-0123456789abcdef';
const METRICS_TOKEN = 'unreachable-test-metrics-token-0123456789';

whenRedis('A Redis unreachable at start', () => {
  describe('A Redis unreachable at start', () => {
    it('does not stop the start: the instance counts alone, retries, and shares once Redis answers', async () => {
      const dir = makeTempDir('redis-later');
      const port = await freePort();
      let service: ServiceProcess | null = null;
      let redis: RedisServer | null = null;
      try {
        const { key } = createKeyWithCli(dir.path, ['--rate-limit', '100/60']);
        service = await startServiceProcess({ DATA_DIR: dir.path, VERIFY_TOKEN, REDIS_URL: `redis://127.0.0.1:${port}` });
        const url = service.url;
        const readiness = async () => {
          const res = await fetch(`${url}/health/ready`);
          const body = (await res.json()) as { details: { rate_limits: { sharing: string } } };
          return { http: res.status, sharing: body.details.rate_limits.sharing };
        };
        const verify = async () =>
          (await fetch(`${url}/v1/keys/verify`, {
            method: 'POST',
            headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ key }),
          }).then((res) => res.json())) as { valid: boolean };

        expect(await readiness()).toEqual({ http: 200, sharing: 'per-instance' });
        expect((await verify()).valid).toBe(true);

        redis = await startRedisServer(port);
        await eventually(async () => {
          expect((await verify()).valid).toBe(true);
          expect(await readiness()).toEqual({ http: 200, sharing: 'shared' });
        }, 10_000, 100);
      } finally {
        if (service) {
          service.child.kill('SIGTERM');
          await service.exited;
        }
        await redis?.stop();
        dir.remove();
      }
    }, 60_000);
  });

  describe('A Redis that refuses the connection', () => {
    const PASSWORD = 'right-password-0123456789';
    const WRONG_PASSWORD = 'wrong-password-9876543210';

    /** Starts an instance on `redisUrl` and answers its readiness reason and what it wrote, once the reason is `expected`. */
    const reasonGiven = async (redisUrl: string, expected: RegExp) => {
      const dir = makeTempDir('redis-refuses');
      const output: string[] = [];
      const service = await startServiceProcess({ DATA_DIR: dir.path, VERIFY_TOKEN, METRICS_TOKEN, REDIS_URL: redisUrl }, { output });
      try {
        let reason = '';
        type Readiness = { details: { rate_limits: { sharing: string; reason?: string } } };
        await eventually(async () => {
          const body = (await (await fetch(`${service.url}/health/ready`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).json()) as Readiness;
          expect(body.details.rate_limits.sharing).toBe('per-instance');
          reason = body.details.rate_limits.reason ?? '';
          expect(reason).toMatch(expected);
          expect(output.join('')).toMatch(expected);
        }, 10_000, 100);
        // Shown to anyone, the reason named Redis's host and port.
        const anonymous = (await (await fetch(`${service.url}/health/ready`)).json()) as Readiness;
        expect(anonymous.details.rate_limits).toEqual({ status: 'up', sharing: 'per-instance', since: expect.any(String) });
        // Retries go on (ioredis tries again up to once a second): still one line.
        await new Promise((resolve) => setTimeout(resolve, 2500));
        return { reason, written: output.join('') };
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
        dir.remove();
      }
    };

    it('says what Redis answered to a wrong password, once, and never the URL or the password', async () => {
      const redis = await startRedisServer(undefined, ['--requirepass', PASSWORD]);
      try {
        const { reason, written } = await reasonGiven(`redis://:${WRONG_PASSWORD}@127.0.0.1:${redis.port}`, /WRONGPASS/);
        expect(reason).toBe('WRONGPASS invalid username-password pair or user is disabled.');
        expect(written.match(/Redis unavailable/g)).toHaveLength(1);
        expect(written).not.toContain(WRONG_PASSWORD);
        expect(written).not.toContain('redis://');
      } finally {
        await redis.stop();
      }
    }, 60_000);

    it('says that a port which answers something else is not Redis', async () => {
      const notRedis = createServer((socket) => {
        socket.on('error', () => undefined);
        socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
      });
      const port = await new Promise<number>((resolve) => notRedis.listen(0, '127.0.0.1', () => resolve((notRedis.address() as { port: number }).port)));
      try {
        const { reason, written } = await reasonGiven(`redis://127.0.0.1:${port}`, /not a Redis server/);
        expect(reason).toMatch(/^not a Redis server: /);
        expect(written.match(/Redis unavailable/g)).toHaveLength(1);
      } finally {
        await new Promise((resolve) => notRedis.close(resolve));
      }
    }, 60_000);
  });
});
