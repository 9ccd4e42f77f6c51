import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './service-process.js';

/** Registers a Redis suite when REDIS_URL is set; otherwise prints one line and registers a skipped placeholder. */
export function whenRedis(label: string, register: (url: string) => void): void {
  const url = process.env.REDIS_URL;
  if (url) return register(workerDatabase(url));
  const reason = `${label} skipped: REDIS_URL is not set`;
  process.stdout.write(`${reason}\n`);
  describe.skip(reason, () => it('needs REDIS_URL', () => undefined));
}

/**
 * REDIS_URL with the database of this jest worker (1, 2, ...) unless it names one: files that run at the same time on
 * one shared server then never share a key, the instances' registry or a channel (the service keeps its channels apart
 * per database), as files one after another never did.
 */
function workerDatabase(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname.length > 1) return url;
  parsed.pathname = `/${Number(process.env.JEST_WORKER_ID ?? 1) % 16}`;
  return parsed.toString();
}

/** A redis-server of this test's own (outage tests stop it), on a free loopback port, without persistence. */
export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
  /** SIGSTOP: connections stay open, commands time out (a stall). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
}

const START_TIMEOUT_MS = 10_000;

/**
 * On `port` when given (a test that points a service at it before it runs), else a free one; `extraArgs` are
 * added to redis-server's (`--requirepass`, ...).
 */
export async function startRedisServer(port?: number, extraArgs: string[] = []): Promise<RedisServer> {
  port ??= await freePort();
  const binary = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  let child: ChildProcess | null = null;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice', ...extraArgs];
      const started = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      child = started;
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${port}:\n${output}`)), START_TIMEOUT_MS);
      started.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.on('error', reject);
      started.on('exit', () => clearTimeout(timer));
    });
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
  };
}
