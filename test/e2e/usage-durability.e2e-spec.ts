import { countEvents, createKeyWithCli, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const FLUSH_INTERVAL_MS = 500;

async function useKey(url: string, key: string, times: number, completedAt: number[]): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await fetch(`${url}/v1/api-keys?limit=1`, { headers: { Authorization: `Bearer ${key}` } });
    if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
    await res.arrayBuffer();
    completedAt.push(Date.now());
  }
}

describe('Usage durability across shutdowns', () => {
  let service: ServiceProcess | undefined;
  afterEach(() => (service = undefined));

  it('loses nothing on SIGTERM: every use is in the log', async () => {
    const dir = makeTempDir('sigterm');
    try {
      const { key } = createKeyWithCli(dir.path, ['--rate-limit', '1000000/1']);
      service = await startServiceProcess({ DATA_DIR: dir.path, USAGE_FLUSH_INTERVAL_MS: '60000' });
      const completed: number[] = [];
      await useKey(service.url, key, 250, completed);
      service.child.kill('SIGTERM');
      // Nest re-raises the signal after its shutdown hooks ran, so the process ends by SIGTERM, not by a crash.
      expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });
      expect(countEvents(dir.path, 'KeyUsed')).toBe(250);
    } finally {
      service?.child.kill('SIGKILL');
      dir.remove();
    }
  });

  it(`loses at most the last flush interval (${FLUSH_INTERVAL_MS} ms) on SIGKILL`, async () => {
    const dir = makeTempDir('sigkill');
    try {
      const { key } = createKeyWithCli(dir.path, ['--rate-limit', '1000000/1']);
      service = await startServiceProcess({ DATA_DIR: dir.path, USAGE_FLUSH_INTERVAL_MS: String(FLUSH_INTERVAL_MS) });
      const completed: number[] = [];
      const started = Date.now();
      while (Date.now() - started < 2500) await useKey(service.url, key, 10, completed);
      const killedAt = Date.now();
      service.child.kill('SIGKILL');
      await service.exited;
      const recorded = countEvents(dir.path, 'KeyUsed');
      // Every use answered more than one flush interval (plus a margin for the append) before the kill is durable.
      const safe = completed.filter((at) => at < killedAt - FLUSH_INTERVAL_MS - 100).length;
      expect(safe).toBeGreaterThan(50);
      expect(recorded).toBeGreaterThanOrEqual(safe);
      expect(recorded).toBeLessThanOrEqual(completed.length);
    } finally {
      service?.child.kill('SIGKILL');
      dir.remove();
    }
  });
});
