import { join } from 'node:path';
import Database from 'better-sqlite3';
import { countEvents, createKeyWithCli, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
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
