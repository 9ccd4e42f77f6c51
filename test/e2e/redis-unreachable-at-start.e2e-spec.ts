import { eventually } from '../support/eventually.js';
import { startRedisServer, whenRedis, type RedisServer } from '../support/redis.js';
import { createKeyWithCli, freePort, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const VERIFY_TOKEN = 'unreachable-test-verify-token-0123456789abcdef';

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
});
