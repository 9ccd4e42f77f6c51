import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { makeTempDir } from './temp-dir.js';

/** A FerretDB process of this test's own, on SQLite files in a temporary directory. */
export interface FerretDbInstance {
  url: string;
  /** The SQLite directory; it survives stop() and restart(). */
  dataDir: string;
  /** SIGTERM, then waits for the exit: about 3 s, as FerretDB lets connected clients finish first. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: nothing is let finish. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data, stopping it first if it runs. */
  restart(): Promise<void>;
  /** Stops it and deletes its directory. */
  dispose(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/** The FerretDB binary to test with, or null when none that runs is installed. */
export function ferretDbBinary(): string | null {
  const explicit = process.env.FERRETDB_BIN;
  if (explicit) {
    if (!runs(explicit)) throw new Error(`FERRETDB_BIN=${explicit} is not a FerretDB binary that runs`);
    return explicit;
  }
  const candidates = [goBinDir(), join(homedir(), 'go', 'bin')].flatMap((dir) => (dir ? [join(dir, 'ferretdb')] : []));
  // `go install` of v1.24.2 builds a binary that panics at start, so existing is not enough.
  return candidates.find((path) => existsSync(path) && runs(path)) ?? null;
}

/** Registers the suite when a FerretDB binary runs here; otherwise prints one line and registers it skipped. */
export function describeWithFerretDb(label: string, name: string, suite: () => void): void {
  if (ferretDbBinary()) return describe(name, suite);
  const reason = `${label} skipped: no FerretDB binary (set FERRETDB_BIN or run .ci/ferretdb.sh)`;
  process.stdout.write(`${reason}\n`);
  describe.skip(reason, suite);
}

export async function startFerretDb(): Promise<FerretDbInstance> {
  const binary = ferretDbBinary();
  if (!binary) throw new Error('No FerretDB binary: set FERRETDB_BIN or run .ci/ferretdb.sh');
  const home = makeTempDir('ferretdb');
  const dataDir = join(home.path, 'data');
  mkdirSync(dataDir);
  const logFile = join(home.path, 'ferretdb.log');
  const port = await freePort();
  const url = `mongodb://127.0.0.1:${port}/`;
  const args = [
    `--listen-addr=127.0.0.1:${port}`,
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    '--telemetry=disable',
    // "-" turns the metrics listener off, so parallel instances do not fight over port 8088.
    '--debug-addr=-',
    `--state-dir=${home.path}`,
    '--log-level=info',
  ];

  let child: ChildProcess | null = null;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    const log = openSync(logFile, 'a');
    const logStart = statSync(logFile).size;
    child = spawn(binary, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    await waitUntilReady(url, child, () => readFileSync(logFile).subarray(logStart).toString());
  };
  const stop = async () => {
    if (child) await terminate(child);
    child = null;
  };

  await start();
  return {
    url,
    dataDir,
    stop,
    kill: async () => {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGKILL');
      await exited;
    },
    restart: async () => {
      await stop();
      await start();
    },
    dispose: async () => {
      await stop();
      process.removeListener('exit', killOnExit);
      home.remove();
    },
  };
}

function runs(binary: string): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

function goBinDir(): string | null {
  const result = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' });
  const gopath = result.status === 0 ? result.stdout.trim().split(':')[0] : '';
  return gopath ? join(gopath, 'bin') : null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits for this process's own "Listening" line, since another server may have taken the port, then pings. */
async function waitUntilReady(url: string, child: ChildProcess, readLog: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`FerretDB exited while starting:\n${readLog()}`);
    }
    if (!readLog().includes('Listening on TCP')) {
      if (Date.now() > deadline) return failToStart(child, 'did not log that it listens');
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      if (Date.now() > deadline) return failToStart(child, `did not answer a ping: ${String(error)}`);
    } finally {
      await client.close();
    }
  }
}

function failToStart(child: ChildProcess, why: string): never {
  child.kill('SIGKILL');
  throw new Error(`FerretDB ${why} within ${START_TIMEOUT_MS} ms`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
