// Helpers shared by the benchmarks (bench/run.mjs, bench/stores.mjs): environment knobs, loopback ports,
// one HTTP request, a closed loop of tasks, percentiles, the machine and code descriptions, the one-benchmark-at-a-time lock and the
// bare node:http floor server.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BENCH_DIR = join(ROOT, 'bench');
export const HOST = '127.0.0.1';
export const CLOCK_TICKS = 100; // USER_HZ on Linux (getconf CLK_TCK)
export const log = (message) => process.stderr.write(`[bench] ${message}\n`);

export function intFromEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer in ${min}..${max}`);
  }
  return value;
}


/** (e): bench/floor-server.mjs in its own process, measured like the service (cannon() and cpuMeter()). */
export class FloorServer {
  async start() {
    this.port = await freePort();
    this.baseUrl = `http://${HOST}:${this.port}`;
    this.child = spawn(process.execPath, [join(BENCH_DIR, 'floor-server.mjs'), String(this.port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise((resolve, reject) => {
      this.child.once('message', resolve);
      this.child.once('exit', (code) => reject(new Error(`the floor server exited during start-up (${code})`)));
    });
  }

  cpuSeconds() {
    return cpuSecondsOf(this.child.pid);
  }

  stop() {
    if (this.child?.exitCode === null) this.child.kill('SIGKILL');
  }
}


/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; with `thread`, those of one of
 * its threads (/proc/<pid>/task/<tid>/stat: the main thread's id is the pid).
 */
export function cpuSecondsOf(pid, thread = null) {
  const stat = readFileSync(thread === null ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}


export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}


/** One HTTP request on the given keep-alive agent; resolves with status and body text. */
export function request(agent, url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent, timeout: 30_000 }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}


/**
 * Runs `task(i)` for i < count, `inFlight` at a time, starting none after `limitSeconds`. Each task's answer goes
 * to `onAnswer(answer, i)` and its time (ms) to the sorted `latencies`; a task that throws goes to `onError` untimed.
 */
export async function closedLoopOf(count, inFlight, limitSeconds, task, { onAnswer = () => {}, onError }) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const stopAt = started + limitSeconds * 1000;
  const worker = async () => {
    for (let i = next++; i < count && performance.now() < stopAt; i = next++) {
      const sentAt = performance.now();
      try {
        const answer = await task(i);
        latencies.push(performance.now() - sentAt);
        onAnswer(answer, i);
      } catch (error) {
        onError(error, i);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  latencies.sort((a, b) => a - b);
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/**
 * Milliseconds this process takes for a fixed CPU workload (SHA-256 and JSON), the median of three tries. On
 * the shared 2-vCPU machines the same work takes up to half as long again at times (58.8–100.4 ms for one
 * workload a few seconds apart, measured 2026-12-02), which moves every figure of a run; measured on the idle
 * machine just before each run, it tells a slow run from a slow service.
 */
export function speedProbeMs() {
  const block = Buffer.alloc(1024, 7);
  const once = () => {
    const started = process.hrtime.bigint();
    let sink = 0;
    for (let i = 0; i < 4000; i++) {
      sink += createHash('sha256').update(block).digest()[0];
      sink += JSON.stringify({ i, text: String(i), list: [i, i] }).length;
    }
    if (sink < 0) throw new Error('unreachable');
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  return median([once(), once(), once()]);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}


/** The commit, and whether src/ differs from it: dist/ is built from the working tree, not from the commit. */
export function gitDescription() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    return `${git('rev-parse', '--short=12', 'HEAD')}${changed ? ` + ${changed} uncommitted change(s) under src/` : ''}`;
  } catch {
    return 'unknown';
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}


export const fmt = (value, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';


export const LOCK_FILE = join(os.tmpdir(), 'parsesphere-keys-bench.lock');

export function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Two benchmarks on the same cores measure each other: wait for any other run to finish first. */
export async function acquireLock(timeoutMs = 20 * 60_000) {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(LOCK_FILE, 'utf8') === String(process.pid)) unlinkSync(LOCK_FILE);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(LOCK_FILE, 'utf8').trim());
    if (!Number.isInteger(holder) || holder <= 0 || !processAlive(holder)) {
      rmSync(LOCK_FILE, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another benchmark (pid ${holder}) still holds ${LOCK_FILE}`);
    if (!announced) log(`another benchmark is running (pid ${holder}); waiting for it to finish`);
    announced = true;
    await sleep(2000);
  }
}


export function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  const causes = [];
  for (let cause = error.cause; cause && causes.length < 3; cause = cause.cause) {
    causes.push(`${cause.code ?? cause.name ?? ''} ${cause.message ?? cause}`.trim());
  }
  return causes.length ? `${error.message} (${causes.join(' <- ')})` : error.message;
}
