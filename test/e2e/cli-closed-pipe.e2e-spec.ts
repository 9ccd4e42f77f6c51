import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { childEnv } from '../support/child-env.js';
import { seedEmbeddedLog } from '../support/seed-log.js';
import { makeTempDir } from '../support/temp-dir.js';

/** Counts a CLI run's writes to stdout, said on its stderr at exit. */
const COUNT_WRITES = resolve('test', 'support', 'count-stdout-writes.cjs');

/** Enough output (well past a pipe's 64 KiB) that the CLI is still writing when its reader goes away. */
const RECORDS = 4000;

/**
 * What `cli ... | head -1` does to the CLI: the reader takes the first chunk and closes its end of the pipe. Resolves
 * with how the CLI ended and what it wrote to stderr.
 */
function runIntoClosingPipe(
  args: string[],
  dataDir: string,
  nodeArgs: string[] = [],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; firstChunk: string }> {
  const child = spawn(process.execPath, [...nodeArgs, 'dist/cli.js', ...args], { env: childEnv({ DATA_DIR: dataDir }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let firstChunk = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').once('data', (chunk: string) => {
    firstChunk = chunk;
    child.stdout.destroy();
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, firstChunk })));
}

async function seedAlerts(dataDir: string, count: number): Promise<void> {
  const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
  try {
    const at = new Date().toISOString();
    await store.appendToStreams(
      Array.from({ length: count }, (_, n) => {
        const alertId = randomUUID().replaceAll('-', '');
        return {
          streamId: `anomaly-${alertId}`,
          expectedRevision: 'no_stream' as const,
          events: [
            {
              type: 'AnomalyDetected',
              schemaVersion: 1,
              data: {
                alertId, rule: 'failed_auth_burst', keyId: null, accountId: null, ip: `198.51.100.${n % 250}`,
                evidence: { failures: 20, threshold: 20, windowSeconds: 60 }, windowStart: at, windowEnd: at, detectedAt: at,
              },
            },
          ],
        };
      }),
    );
  } finally {
    await store.close();
  }
}

async function seedUses(dataDir: string, keyId: string, count: number): Promise<void> {
  const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
  try {
    const usedAt = new Date().toISOString();
    await store.appendToStreams([
      {
        streamId: `api_key_usage-${keyId}`,
        expectedRevision: 'any' as const,
        events: Array.from({ length: count }, (_, n) => ({
          type: 'KeyUsed',
          schemaVersion: 1,
          data: { keyId, accountId: 'acct_0', usedAt, requestId: `req_${n}`, ip: '192.0.2.1', userAgent: 'seed', method: 'GET', path: '/v1/api-keys', outcome: 'accepted' },
        })),
      },
    ]);
  } finally {
    await store.close();
  }
}

/**
 * `psk alerts | head -1` and the like: a reader that stops early is no failure. The CLI ends quietly, exit code 0,
 * no `Error: write EPIPE` stack, whichever command's output was cut.
 */
describe('Operator CLI into a pipe closed early', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let keyId: string;

  beforeAll(async () => {
    dir = makeTempDir('cli-closed-pipe');
    ({ keyIds: [keyId] } = await seedEmbeddedLog(dir.path, RECORDS, 1));
    await seedAlerts(dir.path, RECORDS);
    await seedUses(dir.path, keyId, RECORDS);
  }, 60_000);
  afterAll(() => dir.remove());

  it.each([
    'alerts --unowned',
    'alerts --table',
    'history <key>',
    'history <key> --table',
    'list --account acct_0 --all',
    'list --account acct_0 --all --table',
  ])('%s: ends quietly with code 0', async (command) => {
    const run = await runIntoClosingPipe(command.replace('<key>', keyId).split(' '), dir.path);
    expect(run.firstChunk).not.toBe('');
    expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  }, 60_000);

  // Until 2026-12-07 the embedded log's pages followed one another without the event loop seeing the pipe closed:
  // each of these printed all its 4,000 records (4,000 writes) after the reader had gone, and only then ended.
  it.each(['alerts --unowned --json', 'history <key> --json', 'history <key> --json --direction newest_first'])(
    '%s: stops reading about a page after its reader is gone',
    async (command) => {
      const run = await runIntoClosingPipe(command.replace('<key>', keyId).split(' '), dir.path, ['--require', COUNT_WRITES]);
      const writes = Number(/^stdout writes: (\d+)$/m.exec(run.stderr)?.[1]);
      expect({ code: run.code, firstChunk: run.firstChunk !== '' }).toEqual({ code: 0, firstChunk: true });
      // A page is 100 records (history) or 1,000 (alerts): what was printed before the reader left, and about a page more.
      expect(writes).toBeLessThan(RECORDS / 2);
    },
    60_000,
  );
});
