import { makeTempDir } from '../support/temp-dir.js';
import { startServiceProcess } from '../support/service-process.js';

// docs/configuration.md: RATE_LIMIT_LEASE_MS acts only with REDIS_URL. Until 2026-12-06, set without it, it was
// ignored without a word (the Redis audit), so an operator tuning it believed it changed something.
describe('RATE_LIMIT_LEASE_MS without REDIS_URL', () => {
  it('starts, and says once that the setting has no effect', async () => {
    const dir = makeTempDir('lease');
    const output: string[] = [];
    const service = await startServiceProcess({ DATA_DIR: dir.path, RATE_LIMIT_LEASE_MS: '5' }, { output });
    try {
      const lines = output.join('').split('\n').filter((line) => line.includes('RATE_LIMIT_LEASE_MS'));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0])).toMatchObject({
        level: 'warn',
        msg: 'RATE_LIMIT_LEASE_MS=5 has no effect without REDIS_URL: this instance counts its limits alone, exactly',
      });
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
      dir.remove();
    }
  }, 30_000);
});
