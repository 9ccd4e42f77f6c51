import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { Agent, get as httpGet } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { countEvents, createKeyWithCli, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { childEnv } from '../support/child-env.js';
import { makeTempDir } from '../support/temp-dir.js';

const ROUNDS = 20;
const CLIENTS = 8;
const VERIFY_TOKEN = 'graceful-stop-test-credential-0123456789';

/** Verifies the key in a loop until the server goes away; counts the uses it was answered valid for. */
async function verifyUntilRefused(url: string, key: string, answered: { valid: number }): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`${url}/v1/keys/verify`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${VERIFY_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ key, context: { ip: '192.0.2.7', method: 'POST', path: '/v1/parses' } }),
      });
      const body = (await res.json()) as { valid?: boolean };
      if (res.status !== 200 || body.valid !== true) throw new Error(`unexpected ${res.status} ${JSON.stringify(body)}`);
      answered.valid += 1;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('unexpected')) throw error;
      return; // the connection was refused or closed: the service is stopping
    }
  }
}

/** Verifies the key in a loop on a keep-alive connection until it fails; says how it failed. */
async function verifyUntilFailure(url: string, key: string): Promise<string> {
  for (;;) {
    try {
      const res = await fetch(`${url}/v1/keys/verify`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${VERIFY_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ key }),
      });
      await res.arrayBuffer();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      return cause?.code ?? String(error);
    }
  }
}

function usageViewAccepted(dataDir: string, keyId: string): number {
  const db = new Database(join(dataDir, 'read-model.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT accepted FROM key_usage WHERE key_id = ?').get(keyId) as { accepted: number } | undefined)?.accepted ?? 0;
  } finally {
    db.close();
  }
}

/**
 * A stop under load loses no use that was answered: the server stops accepting, finishes what is in
 * flight, then flushes usage, then lets the projections drain, then closes the stores.
 */
describe('Graceful stop under verify load', () => {
  let service: ServiceProcess | undefined;
  afterEach(() => service?.child.kill('SIGKILL'));

  it(`records every answered use and drains the usage view, over ${ROUNDS} SIGTERMs`, async () => {
    const dir = makeTempDir('graceful');
    try {
      const { id, key } = createKeyWithCli(dir.path, ['--rate-limit', '1000000/1']);
      const answered = { valid: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        // A long flush interval: without the ordered stop, everything answered since the last flush would be lost.
        service = await startServiceProcess({ DATA_DIR: dir.path, VERIFY_TOKEN, USAGE_FLUSH_INTERVAL_MS: '60000' });
        const load = Promise.all(Array.from({ length: CLIENTS }, () => verifyUntilRefused(service!.url, key, answered)));
        await new Promise((resolve) => setTimeout(resolve, 150 + ((round * 97) % 400)));
        service.child.kill('SIGTERM');
        await load;
        expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });
        const recorded = countEvents(dir.path, 'KeyUsed');
        // At least every answered use; more only by uses whose answer a closing connection cut off.
        expect(recorded).toBeGreaterThanOrEqual(answered.valid);
        expect(recorded).toBeLessThanOrEqual(answered.valid + CLIENTS * (round + 1));
        expect(usageViewAccepted(dir.path, id)).toBe(recorded);
      }
      expect(answered.valid).toBeGreaterThan(ROUNDS * 50);
    } finally {
      dir.remove();
    }
  }, 180_000);

  it('ends keep-alive connections with an answer, not by resetting one a client is sending on', async () => {
    const rounds = 10;
    const dir = makeTempDir('graceful-keep-alive');
    try {
      const { key } = createKeyWithCli(dir.path, ['--rate-limit', '1000000/1']);
      const failures: string[] = [];
      for (let round = 0; round < rounds; round++) {
        service = await startServiceProcess({ DATA_DIR: dir.path, VERIFY_TOKEN });
        const load = Promise.all(Array.from({ length: CLIENTS }, () => verifyUntilFailure(service!.url, key)));
        await new Promise((resolve) => setTimeout(resolve, 150));
        service.child.kill('SIGTERM');
        failures.push(...(await load));
        await service.exited;
      }
      // A client's next request finds the listener closed (refused). Before, the stop closed every idle keep-alive
      // connection at once, and a client whose next request was on its way saw it reset: 52 of 80 here. Since,
      // 3 in 288 on a quiet machine and 9 in 320 on a busy one, a few in a round (the server closes each
      // connection cleanly after its `Connection: close` answer; the client's side of the race is not ours).
      const resets = failures.filter((failure) => failure !== 'ECONNREFUSED');
      expect(failures).toHaveLength(rounds * CLIENTS);
      expect(resets.length).toBeLessThanOrEqual(2 * CLIENTS);
    } finally {
      dir.remove();
    }
  }, 120_000);
});

/** One GET on a connection of `agent` (kept alive when the agent keeps them): status, body, or the error's code. */
function get(url: string, agent?: Agent): Promise<{ status: number; body: Record<string, unknown> } | { refused: string }> {
  return new Promise((resolve) => {
    const req = httpGet(url, { agent }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ refused: error.code ?? error.message }));
  });
}

function logLines(service: ServiceProcess): Record<string, unknown>[] {
  return service
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * What a balancer and an operator see of a stop: readiness 503 from the signal on (it used to stay 200 until the
 * listener closed, ~50 ms after the signal), a `stopping` and a `stopped` line, and with SHUTDOWN_DELAY_MS a
 * service that goes on serving, unready, before the drain.
 */
describe('Stop signal: readiness and the log', () => {
  let service: ServiceProcess | undefined;
  afterEach(() => service?.child.kill('SIGKILL'));

  it('answers readiness 503 from the signal on and logs stopping and stopped (no delay: the drain starts at once)', async () => {
    const dir = makeTempDir('stop-readiness');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      service = await startServiceProcess({ DATA_DIR: dir.path, LOG_LEVEL: 'log' }, { captureStdout: true });
      expect(await get(`${service.url}/health/ready`, agent)).toMatchObject({ status: 200 });
      // Its output read to the end, not only its exit seen.
      const closed = once(service.child, 'close');
      service.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Asked on the connection kept alive from before the signal: the listener is closed, that connection drains.
      const during = await get(`${service.url}/health/ready`, agent);
      expect(during).toMatchObject({ status: 503, body: { error: { type: 'service_unavailable_error', message: 'Not ready: stopping' } } });
      expect(during).toMatchObject({ body: { details: { stopping: { status: 'down', signal: 'SIGTERM' } } } });
      expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });
      await closed;
      const lines = logLines(service);
      const stopping = lines.findIndex((line) => line.msg === 'stopping');
      expect(lines[stopping]).toMatchObject({ level: 'info', context: 'Main', signal: 'SIGTERM', delayMs: 0, openConnections: expect.any(Number) });
      expect(lines.at(-1)).toMatchObject({ level: 'info', context: 'Main', msg: 'stopped', signal: 'SIGTERM', durationMs: expect.any(Number) });
    } finally {
      agent.destroy();
      dir.remove();
    }
  }, 60_000);

  it('with SHUTDOWN_DELAY_MS, goes on accepting and serving, unready, for that long, then drains and stops', async () => {
    const dir = makeTempDir('stop-delay');
    try {
      service = await startServiceProcess({ DATA_DIR: dir.path, LOG_LEVEL: 'log', SHUTDOWN_DELAY_MS: '1500' }, { captureStdout: true });
      const closed = once(service.child, 'close');
      const signalled = Date.now();
      service.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // New connections (no agent: one each) are still accepted and served; readiness says to route elsewhere.
      expect(await get(`${service.url}/health`)).toMatchObject({ status: 200 });
      expect(await get(`${service.url}/health/ready`)).toMatchObject({ status: 503, body: { error: { message: 'Not ready: stopping' } } });
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(await get(`${service.url}/health`)).toMatchObject({ status: 200 });
      expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(1500);
      expect(await get(`${service.url}/health`)).toEqual({ refused: 'ECONNREFUSED' });
      await closed;
      const lines = logLines(service);
      expect(lines.find((line) => line.msg === 'stopping')).toMatchObject({ signal: 'SIGTERM', delayMs: 1500 });
      expect(lines.at(-1)).toMatchObject({ msg: 'stopped', durationMs: expect.any(Number) });
      expect(lines.at(-1)!.durationMs).toBeGreaterThanOrEqual(1500);
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('refuses a SHUTDOWN_DELAY_MS out of bounds at start', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], { encoding: 'utf8', env: childEnv({ SHUTDOWN_DELAY_MS: '-1' }), timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Invalid configuration: SHUTDOWN_DELAY_MS must be between 0 and 300000/);
  });
});
