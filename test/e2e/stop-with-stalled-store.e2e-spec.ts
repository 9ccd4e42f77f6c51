import { countEvents, createKeyWithCli, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { describeWithFerretDb, type FerretDbInstance, startFerretDb } from '../support/ferretdb.js';
import { startStallingMongoProxy, type StallingMongoProxy } from '../support/stalling-mongo-proxy.js';
import { makeTempDir } from '../support/temp-dir.js';

const VERIFY_TOKEN = 'stalled-store-stop-credential-0123456789';
const USES = 200;
/** docs/operations.md: a stop takes SHUTDOWN_DELAY_MS (0 here) plus at most 19 s (the drain's 10 s, none here, and the close's 9 s). */
const STOP_BOUND_MS = 19_000;

/**
 * A soak saw every SIGTERM take about 3 minutes on an overloaded FerretDB: the stop waited for the projections' saves
 * in flight, which retry a store that times out with ever longer timeouts (up to 120 s a batch). Here MongoDB
 * answers the driver's health checks and never a command, from just before the signal on.
 */
describeWithFerretDb('Stop with a stalled store e2e', 'Stop with a read-model store that answers no command', () => {
  let ferret: FerretDbInstance | undefined;
  let proxy: StallingMongoProxy | undefined;
  let service: ServiceProcess | undefined;
  afterEach(async () => {
    service?.child.kill('SIGKILL');
    await proxy?.close();
    await ferret?.dispose();
  });

  it('ends within the documented bound, every answered use in the log', async () => {
    ferret = await startFerretDb();
    proxy = await startStallingMongoProxy(Number(new URL(ferret.url).port));
    const dir = makeTempDir('stalled-stop');
    try {
      const env = { DATA_DIR: dir.path, MONGODB_URL: proxy.url, MONGODB_DB: 'stalled_stop' };
      const { key } = createKeyWithCli(dir.path, ['--rate-limit', '1000000/1'], env);
      // Uses flushed only at the stop: the usage view then has a save to make, into a store that does not answer.
      service = await startServiceProcess({ ...env, VERIFY_TOKEN, USAGE_FLUSH_INTERVAL_MS: '60000', LOG_LEVEL: 'log', LOG_FORMAT: 'json' }, { captureStdout: true });
      let answered = 0;
      for (let i = 0; i < USES; i++) {
        const res = await fetch(`${service.url}/v1/keys/verify`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${VERIFY_TOKEN}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ key }),
        });
        if (((await res.json()) as { valid?: boolean }).valid === true) answered += 1;
      }
      expect(answered).toBe(USES);

      proxy.stall();
      const started = performance.now();
      service.child.kill('SIGTERM');
      const killer = setTimeout(() => service?.child.kill('SIGKILL'), 3 * STOP_BOUND_MS);
      const exited = await service.exited;
      clearTimeout(killer);
      const tookMs = performance.now() - started;
      process.stdout.write(`stop with a stalled store: ${Math.round(tookMs)} ms\n`);

      expect(exited).toEqual({ code: null, signal: 'SIGTERM' });
      expect(tookMs).toBeLessThan(STOP_BOUND_MS);
      expect(countEvents(dir.path, 'KeyUsed')).toBe(USES);
      const lines = service.stdout().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg?: string });
      expect(lines.map((line) => line.msg)).toContain('stopped');
    } finally {
      dir.remove();
    }
  }, 120_000);
});
