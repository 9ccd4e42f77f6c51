import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { childEnv } from './child-env.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Every process startServiceProcess started that has not exited. A test that fails before it stops its process
 * would leave it running, and its pipes would keep jest from exiting: the run would hang instead of failing.
 */
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote to stdout so far, when started with `captureStdout`. */
  stdout(): string;
}

/**
 * Starts the built service (dist/main.js) as a real process on loopback and waits until it answers.
 * With `captureStdout`, stdout is kept for stdout(); with `output`, everything it writes to stdout and stderr is
 * collected there instead of being dropped or passed on.
 */
export async function startServiceProcess(
  env: Record<string, string>,
  options: { captureStdout?: boolean; output?: string[] } = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const { output } = options;
  const child = spawn(process.execPath, ['dist/main.js'], {
    // As in-process test apps: one account's requests come as fast as a test sends them; the limit has its own spec.
    env: childEnv({ LOG_LEVEL: 'warn', ACCOUNT_RATE_LIMIT_REQUESTS: '1000000', ...env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', options.captureStdout || output ? 'pipe' : 'ignore', output ? 'pipe' : 'inherit'],
  });
  let written = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    written += chunk;
    output?.push(chunk);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output?.push(chunk));
  const stdout = () => written;
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child, exited, stdout };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`service did not start: it exited (${child.signalCode ?? `code ${child.exitCode}`})`);
    }
    if (Date.now() > deadline) {
      // A process left running would keep jest from exiting after the run.
      child.kill('SIGKILL');
      await exited;
      throw new Error('service did not start: no answer from /health within 20 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Creates a key with the operator CLI against a data directory (and `env`'s read model), as an operator would. */
export function createKeyWithCli(dataDir: string, args: string[] = [], env: Record<string, string> = {}): { id: string; key: string } {
  // acme unless `args` names the account: the CLI refuses an option given twice.
  const account = args.includes('--account') ? [] : ['--account', 'acme'];
  const cli = spawnSync(process.execPath, ['dist/cli.js', 'create-key', ...account, ...args], {
    encoding: 'utf8',
    env: childEnv({ DATA_DIR: dataDir, ...env }),
  });
  if (cli.status !== 0) throw new Error(cli.stderr);
  return JSON.parse(cli.stdout);
}

/** Reads the embedded log directly, as an auditor would. */
export function countEvents(dataDir: string, type: string): number {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM events WHERE type = ?').get(type) as { n: number }).n;
  } finally {
    db.close();
  }
}
