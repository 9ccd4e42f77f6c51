// A FerretDB process of the benchmark's own, on a free loopback port: on SQLite files in a temporary directory
// (the same flags as test/support/ferretdb.ts), or on a PostgreSQL database given by URL (bench/lib/postgres.mjs). Stopped by stop(), and killed if the benchmark exits first.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { freePort, HOST } from './common.mjs';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** FERRETDB_BIN, else /root/go/bin/ferretdb (or ~/go/bin/ferretdb) if it runs; null when there is none. */
export function ferretDbBinary() {
  const runs = (binary) => spawnSync(binary, ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  if (process.env.FERRETDB_BIN) {
    if (!runs(process.env.FERRETDB_BIN)) throw new Error(`FERRETDB_BIN=${process.env.FERRETDB_BIN} is not a FerretDB binary that runs`);
    return process.env.FERRETDB_BIN;
  }
  return ['/root/go/bin/ferretdb', join(os.homedir(), 'go', 'bin', 'ferretdb')].find((path) => existsSync(path) && runs(path)) ?? null;
}

export function ferretDbVersion(binary) {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
  return /version:\s*(\S+)/.exec(out)?.[1] ?? out.split('\n')[0].trim();
}

export async function startFerretDb(binary, { postgresqlUrl = null } = {}) {
  const home = mkdtempSync(join(os.tmpdir(), 'parsesphere-bench-ferretdb-'));
  const dataDir = join(home, 'data');
  mkdirSync(dataDir);
  const logFile = join(home, 'ferretdb.log');
  const port = await freePort();
  const url = `mongodb://${HOST}:${port}/`;
  const logFd = openSync(logFile, 'a');
  const child = spawn(
    binary,
    [
      `--listen-addr=${HOST}:${port}`,
      ...(postgresqlUrl ? ['--handler=postgresql', `--postgresql-url=${postgresqlUrl}`] : ['--handler=sqlite', `--sqlite-url=file:${dataDir}/`]),
      '--telemetry=disable',
      '--debug-addr=-',
      `--state-dir=${home}`,
      '--log-level=info',
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const readLog = () => readFileSync(logFile, 'utf8');

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', killOnExit);
    rmSync(home, { recursive: true, force: true });
  };

  // Its own "Listening" line first, since another server may have taken the port meanwhile; then a ping.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const text = readLog();
      await stop();
      throw new Error(`FerretDB exited while starting:\n${text.slice(-2000)}`);
    }
    if (!readLog().includes('Listening on TCP')) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`FerretDB did not log that it listens within ${START_TIMEOUT_MS} ms`);
      }
      await sleep(50);
      continue;
    }
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`FerretDB did not answer a ping within ${START_TIMEOUT_MS} ms: ${error.message}`);
      }
    } finally {
      await client.close();
    }
    await sleep(100);
  }
  return { url, pid: child.pid, logFile, dataBytes: () => directoryBytes(dataDir), stop };
}

function directoryBytes(dir) {
  try {
    return spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t').map(Number)[0];
  } catch {
    return NaN;
  }
}

/** Drops the benchmark's databases from a server it did not start (MONGODB_URL). */
export async function dropDatabases(url, names) {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    for (const name of names) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}
