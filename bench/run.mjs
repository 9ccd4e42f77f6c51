// npm run bench: one benchmark run of the verify hot path against the built service.
//
// Starts dist/main.js on 127.0.0.1 with a fresh temp DATA_DIR (embedded SQLite), creates an admin key with
// the CLI, seeds keys through POST /v1/api-keys, measures resident memory (and, in a process of its own,
// the heap the key table and rate limiter hold per key: bench/key-table-memory.mjs), then loads GET /health,
// POST /v1/keys/verify and the same POSTs to a bare node:http floor (bench/floor-server.mjs) in
// alternating rounds, health and verify again at a fixed rate below saturation, and GET /v1/api-keys
// (20 per page, and a page of one) in rounds alternating with health, with autocannon; reports verify/health,
// verify/floor and listing/health as ratios, plus the KeyUsed events written per second. Prints a Markdown
// report and writes bench/results/latest.json (and latest.md). For each measured run it also reports where
// the CPU went (server and its request thread, autocannon, every other process, the kernel's interrupt handling,
// time stolen by the hypervisor), the CPU per request, flags runs on a machine that was not quiet or not whole,
// and gives the machine's speed probed just before each run (speedProbeMs).
// Each measured run starts once the projections have caught up and the service is idle (serviceQuiet). One run at a time: a lock in the temp dir makes
// a second `npm run bench` wait, since two benchmarks on the same cores would measure each other.
//
// Env: BENCH_SECONDS (10) per measured target, BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (50),
//      BENCH_KEYS (10000), BENCH_SEED_CONCURRENCY (16), USAGE_FLUSH_INTERVAL_MS (the service's default, 100),
//      BENCH_FIXED_RATE (1000 req/s): the constant rate of the open-loop runs (d),
//      BENCH_ROUNDS (3) of alternating health, verify and floor runs,
//      BENCH_LOG_LEVEL (warn): the service's LOG_LEVEL; `log` measures what the production default's logging costs,
//      BENCH_VERIFY_POLICY=1: the seeded keys are restricted to 10.0.0.0/8 (the bench's context addresses) with
//      permissions parses:read and parses:write, and every verify asks required_permissions ["parses:write"]: the
//      address and permission checks on the hot path (results go to latest-policy.json/.md instead);
//      BENCH_PROFILE=1: CPU-profile the server during the first verify run and the first listing run (numbers
//      are then perturbed; the profiles and their summaries go to bench/results/verify.cpuprofile,
//      verify-profile.md, list.cpuprofile and list-profile.md).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import {
  acquireLock,
  BENCH_DIR,
  CLOCK_TICKS,
  cpuSecondsOf,
  describeError,
  FloorServer,
  fmt,
  freePort,
  gitDescription,
  HOST,
  intFromEnv,
  log,
  machine,
  median,
  percentile,
  request,
  ROOT,
  speedProbeMs,
} from './lib/common.mjs';
import { formatSummary, summarizeProfile } from './profile-summary.mjs';

const RESULTS_DIR = join(BENCH_DIR, 'results');


const SECONDS = intFromEnv('BENCH_SECONDS', 10, 1, 300);
const WARMUP_SECONDS = intFromEnv('BENCH_WARMUP_SECONDS', 2, 0, 60);
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 50, 1, 1000);
const KEY_COUNT = intFromEnv('BENCH_KEYS', 10_000, 1, 100_000);
const SEED_CONCURRENCY = intFromEnv('BENCH_SEED_CONCURRENCY', 16, 1, 256);
const FLUSH_INTERVAL_MS = intFromEnv('USAGE_FLUSH_INTERVAL_MS', 100, 10, 60_000);
const PROFILE = process.env.BENCH_PROFILE === '1';
const VERIFY_POLICY = process.env.BENCH_VERIFY_POLICY === '1';
const RESULTS_NAME = VERIFY_POLICY ? 'latest-policy' : 'latest';
const KEY_POLICY = VERIFY_POLICY ? { permissions: ['parses:read', 'parses:write'], allowed_ips: ['10.0.0.0/8'] } : {};
const REQUIRED_PERMISSIONS = VERIFY_POLICY ? { required_permissions: ['parses:write'] } : {};
const TARGET_RATIO = 0.8;
/** Issue 15: verify keeps at least this share of the bare node:http floor's rate, in the same run. */
const TARGET_FLOOR_RATIO = 0.55;
/** Issue 15: GET /v1/api-keys (20 per page of 10,000 keys) at least this share of GET /health's rate, in the same run. */
const TARGET_LIST_RATIO = 0.7;
/** Above this much of one core used by other processes during a measured run, the report says so. */
const CONTENDED_PCT = 10;
const TARGET_VERIFY_P99_MS = 5;
const ROUNDS = intFromEnv('BENCH_ROUNDS', 3, 1, 10);
/**
 * The saturation runs' order, turning from round to round: health and verify, served by one process, each follow
 * the other in every other round, so that neither always pays for what the other left to collect.
 */
const ROUND_ORDERS = [
  ['health', 'verify', 'floor'],
  ['floor', 'verify', 'health'],
];
const SATURATION_LABELS = { health: '(a)', verify: '(b)', floor: '(e)' };
const FIXED_RATE = intFromEnv('BENCH_FIXED_RATE', 1000, 1, 1_000_000);
// Bounded in time: everything (start, seeding, 3 targets with warm-up, flush waits) or we stop.
const BUDGET_MS = 300_000 + (5 * ROUNDS + 3) * (SECONDS + WARMUP_SECONDS) * 1000 + KEY_COUNT * 20;


/**
 * CPU seconds of the whole machine so far (all cores), from /proc/stat, in three parts: processes (user, nice,
 * system), the kernel's interrupt handling (irq, softirq: loopback TCP for the load runs, charged to no process),
 * and steal (time the hypervisor gave this machine's virtual cores to other guests).
 */
function machineSeconds() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return { processes: (user + nice + system) / CLOCK_TICKS, interrupts: (irq + softirq) / CLOCK_TICKS, steal: steal / CLOCK_TICKS };
}

/** CPU seconds so far of every process on the machine, by pid, with its command name. */
function processCpuSeconds() {
  const byPid = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(pid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS });
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 100);
  } catch {
    return null;
  }
}

/** Where the CPU went during a load run: the server, this process (autocannon), everything else (and who). */
function cpuMeter(service) {
  const start = {
    server: service.cpuSeconds(),
    requestThread: service.requestThreadCpuSeconds?.() ?? null,
    bench: process.cpuUsage(),
    machine: machineSeconds(),
    processes: processCpuSeconds(),
    wall: performance.now(),
  };
  return () => {
    const wall = (performance.now() - start.wall) / 1000;
    const server = service.cpuSeconds() - start.server;
    const own = process.cpuUsage(start.bench);
    const bench = (own.user + own.system) / 1e6;
    const now = machineSeconds();
    const machine = Object.fromEntries(Object.entries(now).map(([part, seconds]) => [part, seconds - start.machine[part]]));
    const pct = (seconds) => (100 * seconds) / wall;
    // Processes that started during the run count from zero; ones that ended are not seen (the total above has them).
    const mine = new Set([String(service.child.pid), String(process.pid)]);
    const others = [...processCpuSeconds()]
      .filter(([pid]) => !mine.has(pid))
      .map(([pid, { name, seconds }]) => ({ pid, name, pct: pct(seconds - (start.processes.get(pid)?.seconds ?? 0)) }))
      .filter((p) => p.pct >= 1)
      .sort((a, b) => b.pct - a.pct)
      .slice(0, 5)
      .map((p) => ({ ...p, pct: Math.round(p.pct), command: commandLine(p.pid) }));
    // Percent of one core; the machine has os.cpus().length of them.
    const requestThread = start.requestThread === null ? NaN : service.requestThreadCpuSeconds() - start.requestThread;
    return {
      serverPct: pct(server),
      requestThreadPct: pct(requestThread),
      benchPct: pct(bench),
      otherPct: Math.max(0, pct(machine.processes - server - bench)),
      interruptsPct: pct(machine.interrupts),
      stealPct: pct(machine.steal),
      topOthers: others,
    };
  };
}

// ---------------------------------------------------------------- the service under test

class Service {
  constructor() {
    this.dataDir = mkdtempSync(join(os.tmpdir(), 'parsesphere-bench-'));
    this.verifyToken = randomBytes(32).toString('base64url');
    this.tail = [];
    this.child = null;
    this.exited = null;
  }

  env(port) {
    const env = { ...process.env };
    // Embedded storage only, whatever the caller's shell has configured.
    for (const name of ['EVENTSTORE_URL', 'MONGODB_URL', 'MONGODB_DB', 'NODE_OPTIONS']) delete env[name];
    return Object.assign(env, {
      PORT: String(port),
      HOST, // honoured by builds with the HOST setting; bench/loopback.mjs covers older ones
      DATA_DIR: this.dataDir,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      VERIFY_TOKEN: this.verifyToken,
      // The service validates AUTH_FAILURE_LIMIT <= 100000 (src/shared/config/environment.ts); the benchmark
      // sends only valid keys, so no failure is ever recorded and this limit is never approached.
      AUTH_FAILURE_LIMIT: '100000',
      // The listing seeds BENCH_KEYS (up to 100000) keys into one account through the API, beside the admin key:
      // past the default MAX_KEYS_PER_ACCOUNT (10000) at its default size. The highest the service accepts.
      MAX_KEYS_PER_ACCOUNT: '1000000',
      RATE_LIMIT_REQUESTS: '1000000',
      RATE_LIMIT_PER_SECONDS: '1',
      // The seeding and the listing runs are one account's requests, hundreds to thousands a second.
      ACCOUNT_RATE_LIMIT_REQUESTS: '1000000',
      USAGE_FLUSH_INTERVAL_MS: String(FLUSH_INTERVAL_MS),
    });
  }

  async start() {
    this.port = await freePort();
    this.baseUrl = `http://${HOST}:${this.port}`;
    const args = ['--import', pathToFileURL(join(BENCH_DIR, 'loopback.mjs')).href];
    if (PROFILE) args.push('--import', pathToFileURL(join(BENCH_DIR, 'cpu-profile-hook.mjs')).href);
    args.push(join(ROOT, 'dist', 'main.js'));
    this.child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: this.env(this.port),
      stdio: PROFILE ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    this.stopping = false;
    this.unexpectedExit = null;
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        if (!this.stopping) {
          this.unexpectedExit =
            `the service exited unexpectedly (exit code ${code}, signal ${signal})` +
            (signal === 'SIGTERM' || signal === 'SIGINT' ? ': something outside the benchmark stopped it' : '');
          log(this.unexpectedExit);
        }
        resolve({ code, signal });
      }),
    );
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        for (const line of chunk.split('\n').filter(Boolean)) {
          this.tail.push(line);
          if (this.tail.length > 50) this.tail.shift();
          process.stderr.write(`[server] ${line}\n`);
        }
      });
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`The service exited during start-up (${this.child.exitCode ?? this.child.signalCode})`);
      }
      try {
        const res = await fetch(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('GET /health did not answer 200 within 30 s');
      await sleep(100);
    }
  }

  rssBytes() {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    if (!kib) throw new Error('VmRSS not found in /proc/<pid>/status');
    return Number(kib[1]) * 1024;
  }

  cpuSeconds() {
    return cpuSecondsOf(this.child.pid);
  }

  /** The thread that serves requests (Node's main thread); the rest of cpuSeconds() is the worker threads' and V8's. */
  requestThreadCpuSeconds() {
    return cpuSecondsOf(this.child.pid, this.child.pid);
  }

  async cli(args) {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], {
      cwd: ROOT,
      env: this.env(this.port),
      timeout: 60_000,
    });
    return JSON.parse(stdout);
  }

  /** Asks the profiling hook inside the server to do something and waits for its answer. */
  ipc(cmd, extra = {}) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${cmd} within 30 s`)), 30_000);
      const onMessage = (message) => {
        if (message?.cmd === 'profile-error') reject(new Error(message.message));
        else resolve(message);
        clearTimeout(timer);
        this.child.off('message', onMessage);
      };
      this.child.on('message', onMessage);
      this.child.send({ cmd, ...extra });
    });
  }

  async stop() {
    this.stopping = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timeout = sleep(15_000).then(() => 'timeout');
      if ((await Promise.race([this.exited, timeout])) === 'timeout') {
        log('the service did not stop within 15 s of SIGTERM: SIGKILL');
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}




// ---------------------------------------------------------------- steps

async function waitForAdminKey(service, adminKey) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    let status = 'no answer';
    try {
      const res = await fetch(`${service.baseUrl}/v1/api-keys`, { headers: { authorization: `Bearer ${adminKey}` }, signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      status = res.status;
    } catch (error) {
      status = describeError(error);
    }
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`The server did not accept the CLI-created key within 15 s (last: ${status})`);
    await sleep(100);
  }
}


async function seedKeys(service, adminKey) {
  // Exactly one socket per worker, each always busy: no idle keep-alive socket for the server to close under us.
  const agent = new http.Agent({ keepAlive: true, maxSockets: SEED_CONCURRENCY });
  const keys = new Array(KEY_COUNT);
  const retried = [];
  let next = 0;
  const started = performance.now();
  const createOne = async (i) => {
    const body = JSON.stringify({ name: `bench-${i}`, ...KEY_POLICY });
    const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(agent, `${service.baseUrl}/v1/api-keys`, { method: 'POST', headers, body });
      } catch (error) {
        const elapsed = ((performance.now() - started) / 1000).toFixed(1);
        const reason = `POST /v1/api-keys #${i} failed ${elapsed} s into seeding: ${describeError(error)}`;
        // A reset connection is retried once and reported; the lost attempt may have created one extra key.
        if (attempt > 1 || error.code !== 'ECONNRESET') throw new Error(reason);
        retried.push(reason);
        log(`${reason}; retrying once`);
      }
    }
  };
  const worker = async () => {
    for (let i = next++; i < KEY_COUNT; i = next++) {
      const { status, text } = await createOne(i);
      if (status !== 201) throw new Error(`POST /v1/api-keys #${i} answered ${status}: ${text.slice(0, 300)}`);
      keys[i] = JSON.parse(text).key;
    }
  };
  try {
    await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  return { keys, seconds, keysPerSecond: KEY_COUNT / seconds, retried };
}


/** One autocannon run; keeps every response time (float ms) for exact percentiles. */
async function cannon(service, options, seconds) {
  const latencies = [];
  // autocannon takes the path from the URL (a top-level `path` option is ignored).
  const { path = '', ...rest } = options;
  const speedMs = speedProbeMs();
  const instance = autocannon({
    url: `${service.baseUrl}${path}`,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    ...rest,
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const cpu = cpuMeter(service);
  const result = await instance;
  const cpuPct = cpu();
  latencies.sort((a, b) => a - b);
  return { result, latencies, cpuPct, speedMs };
}

/** One target's figures over one or more runs: counts summed, latencies pooled, rates and CPU averaged. */
function summarize(name, runs) {
  const sum = (pick) => runs.reduce((total, run) => total + pick(run.result), 0);
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  const total2xx = sum((r) => r['2xx']);
  const duration = sum((r) => r.duration);
  const statusCodes = {};
  for (const { result } of runs) {
    for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  return {
    target: name,
    runs: runs.length,
    durationSeconds: duration,
    requestsPerSecondMean: mean(runs.map((run) => run.result.requests.mean)),
    requestsPerSecondByRun: runs.map((run) => run.result.requests.mean),
    requestsPerSecondOverall: total2xx / duration,
    latencyMs: {
      // Exact, from autocannon's per-response hrtime (float ms), every response counted.
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? NaN,
      // autocannon's own HDR histogram (integer-ms buckets) of the first run, for comparison.
      autocannonP50: runs[0].result.latency.p50,
      autocannonP99: runs[0].result.latency.p99,
    },
    responses: total2xx + sum((r) => r.non2xx),
    ok2xx: total2xx,
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    mismatches: sum((r) => r.mismatches),
    cpuPercentOfOneCore: {
      serverPct: mean(runs.map((run) => run.cpuPct.serverPct)),
      requestThreadPct: mean(runs.map((run) => run.cpuPct.requestThreadPct)),
      benchPct: mean(runs.map((run) => run.cpuPct.benchPct)),
      otherPct: Math.max(...runs.map((run) => run.cpuPct.otherPct)),
      interruptsPct: mean(runs.map((run) => run.cpuPct.interruptsPct)),
      stealPct: Math.max(...runs.map((run) => run.cpuPct.stealPct)),
      topOthers: runs.flatMap((run) => run.cpuPct.topOthers),
    },
    statusCodes,
    speedProbeMsByRun: runs.map((run) => run.speedMs),
  };
}

/**
 * Open-loop load at a constant rate: request i is due at i / rate seconds, whether or not earlier ones
 * have been answered, and its latency counts from when it was due, so waiting for a free connection is
 * included (no coordinated omission). autocannon's own rate option sends each second's quota in a burst.
 * Returns the same shape as cannon().
 */
async function openLoop(service, { method, path, headers, nextBody = () => undefined, verifyBody = () => true }, rate, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies = [];
  const statusCodeStats = {};
  let errors = 0;
  let mismatches = 0;
  const cpu = cpuMeter(service);
  const started = performance.now();
  const total = Math.round(rate * seconds);
  let sent = 0;
  const inFlight = new Set();
  const send = (dueAt) => {
    const body = nextBody();
    const sized = body === undefined ? headers : { ...headers, 'content-length': body.length };
    const call = request(agent, `${service.baseUrl}${path}`, { method, headers: sized, body })
      .then(({ status, text }) => {
        latencies.push(performance.now() - dueAt);
        statusCodeStats[status] = { count: (statusCodeStats[status]?.count ?? 0) + 1 };
        if (status >= 200 && status < 300 && !verifyBody(text)) mismatches++;
      })
      .catch(() => errors++)
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  };
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      for (; sent < total && started + (sent * 1000) / rate <= now; sent++) send(started + (sent * 1000) / rate);
      if (sent === total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await Promise.all(inFlight);
  agent.destroy();
  const cpuPct = cpu();
  const duration = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ok = Object.entries(statusCodeStats).reduce((n, [code, { count }]) => n + (code.startsWith('2') ? count : 0), 0);
  const answered = latencies.length;
  const result = {
    '2xx': ok,
    non2xx: answered - ok,
    errors,
    timeouts: 0,
    mismatches,
    duration,
    requests: { mean: answered / duration },
    latency: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)) },
    statusCodeStats,
  };
  return { result, latencies, cpuPct };
}

/** Warms the target up once, then returns a function that makes one measured run. */
async function load(service, name, options) {
  if (WARMUP_SECONDS > 0) {
    log(`${name}: warm-up ${WARMUP_SECONDS} s`);
    const warm = summarize(name, [await cannon(service, options, WARMUP_SECONDS)]);
    if (warm.non2xx || warm.errors || warm.mismatches) {
      throw new Error(`${name} warm-up: ${warm.non2xx} non-2xx, ${warm.errors} errors, ${warm.mismatches} mismatches (${JSON.stringify(warm.statusCodes)})`);
    }
  }
  return async () => {
    log(`${name}: measuring ${SECONDS} s at ${CONNECTIONS} connections`);
    return cannon(service, options, SECONDS);
  };
}

function countKeyUsed(dataDir) {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'KeyUsed'").get().n;
  } finally {
    db.close();
  }
}

/** Waits at least two flush intervals, then until the KeyUsed count stops moving. */
async function settledKeyUsedCount(dataDir) {
  await sleep(2 * FLUSH_INTERVAL_MS);
  let previous = countKeyUsed(dataDir);
  const deadline = Date.now() + 60_000;
  for (;;) {
    await sleep(FLUSH_INTERVAL_MS + 250);
    const now = countKeyUsed(dataDir);
    if (now === previous) return now;
    if (Date.now() > deadline) throw new Error('KeyUsed count still growing 60 s after the load stopped');
    previous = now;
  }
}

/**
 * Waits until every projection reports no lag on GET /health/ready, so that one target's catch-up work
 * (the usage view and the detector fold every KeyUsed) is not measured as the next target's latency.
 * Returns how long that took.
 */
async function projectionsCaughtUp(service) {
  const started = performance.now();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await fetch(`${service.baseUrl}/health/ready`, { signal: AbortSignal.timeout(5000) });
    const body = await res.json();
    const projections = body.details?.projections?.projections ?? [];
    if (res.status === 200 && projections.length > 0 && projections.every((p) => p.lag_events === 0)) {
      return (performance.now() - started) / 1000;
    }
    if (Date.now() > deadline) throw new Error(`projections still lagging 120 s after the load: ${JSON.stringify(projections)}`);
    await sleep(250);
  }
}

/**
 * Below this share of one core over a second, the service is doing nothing but its own timers: idle, its
 * polling subscriptions and probes take 4–6% (measured); the work this wait is for took up to 20%.
 */
const QUIET_CPU_SHARE = 0.1;
const quietWaits = [];

/**
 * Waits until the service itself is idle. Once its projections report no lag it can still be busy (up to 20% of a
 * core, measured during the floor's runs; not traced — the detector's snapshot, taken every 60 s, is a
 * candidate), and that work would run during the next measured run, the floor's or health's.
 */
async function serviceQuiet(service) {
  const started = performance.now();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const before = service.cpuSeconds();
    await sleep(1000);
    if (service.cpuSeconds() - before < QUIET_CPU_SHARE) break;
    if (Date.now() > deadline) {
      log(`the service still used more than ${QUIET_CPU_SHARE * 100}% of a core 60 s after the load: measuring anyway`);
      break;
    }
  }
  quietWaits.push((performance.now() - started) / 1000);
}

/** Before a measured run: every projection caught up and the service idle. */
async function settled(service) {
  await projectionsCaughtUp(service);
  await serviceQuiet(service);
}

// ---------------------------------------------------------------- report

const mib = (bytes) => `${fmt(bytes / 1024 / 1024, 1)} MiB`;

/** CPU (µs, of one core) a target's process or its request thread spent per answered request. */
function cpuMicrosPerRequest(target, share) {
  return (target.cpuPercentOfOneCore[share] * 10_000) / target.requestsPerSecondMean;
}

function markdown(report) {
  const { machine: m, seeding, memory, targets, ratios, usage } = report;
  const lines = [];
  lines.push(`## ParseSphere Keys benchmark (${report.finishedAt})`, '');
  lines.push(
    `Machine: ${m.cpuModel} x ${m.cpuCount}, ${mib(m.totalMemoryBytes)} RAM, Node ${m.node}, ${m.platform}. ` +
      `Code: ${report.code}. Load generator: autocannon ${report.autocannonVersion} in one process on the same cores as the server.`,
  );
  lines.push(
    `Settings: ${report.settings.connections} connections, ${report.settings.seconds} s per measured run + ${report.settings.warmupSeconds} s warm-up per target, ` +
      `(a), (b) and (e) in ${report.settings.rounds} alternating rounds (figures pooled over them; ` +
      `ordered ${ROUND_ORDERS.map((order) => order.map((target) => SATURATION_LABELS[target]).join(' ')).join(' and ')} in turn), ` +
      `${report.settings.keys} seeded keys, embedded SQLite, USAGE_FLUSH_INTERVAL_MS=${report.settings.usageFlushIntervalMs}` +
      `${report.settings.profiled ? ', **server CPU-profiled during the verify run (numbers perturbed)**' : ''}. ` +
      `Before each measured run the projections caught up and the service idle (under ${QUIET_CPU_SHARE * 100}% of a core over 1 s; ` +
      `waited ${fmt(Math.min(...report.settings.quietWaitsSeconds), 1)}–${fmt(Math.max(...report.settings.quietWaitsSeconds), 1)} s).`,
    '',
  );
  lines.push('| Figure | Value |', '|---|---:|');
  lines.push(`| Keys seeded through POST /v1/api-keys (${seeding.concurrency} in flight) | ${fmt(seeding.keys)} in ${fmt(seeding.seconds, 1)} s |`);
  lines.push(`| Key-creation throughput | ${fmt(seeding.keysPerSecond, 0)} keys/s |`);
  if (seeding.retriedAfterConnectionReset.length > 0) {
    lines.push(`| POSTs retried after a connection reset (see latest.json) | ${seeding.retriedAfterConnectionReset.length} |`);
  }
  lines.push(`| Server RSS before seeding | ${mib(memory.rssBeforeBytes)} |`);
  lines.push(`| Server RSS after seeding (+${memory.settleSeconds} s settle) | ${mib(memory.rssAfterBytes)} |`);
  lines.push(`| Resident memory per cached key (upper bound: includes the read model's and allocator's share) | ${fmt(memory.bytesPerKey, 0)} B |`);
  lines.push(`| Heap per cached key: key table + rate-limit state (bench/key-table-memory.mjs, after full GCs) | ${fmt(memory.keyTableHeapBytesPerKey, 0)} B |`);
  lines.push('');
  lines.push(
    '| Target | req/s (mean) | p50 ms | p99 ms | max ms | 2xx | non-2xx | errors | timeouts | CPU % server (its request thread) / autocannon / other processes | CPU % kernel interrupts / stolen by the hypervisor |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const t of targets) {
    const cpu = t.cpuPercentOfOneCore;
    const thread = Number.isFinite(cpu.requestThreadPct) ? ` (${fmt(cpu.requestThreadPct, 0)})` : '';
    lines.push(
      `| ${t.label} | ${fmt(t.requestsPerSecondMean, 0)} | ${fmt(t.latencyMs.p50, 2)} | ${fmt(t.latencyMs.p99, 2)} | ${fmt(t.latencyMs.max, 1)} | ` +
        `${fmt(t.ok2xx)} | ${fmt(t.non2xx)} | ${fmt(t.errors)} | ${fmt(t.timeouts)} | ` +
        `${fmt(cpu.serverPct, 0)}${thread} / ${fmt(cpu.benchPct, 0)} / ${fmt(cpu.otherPct, 0)} | ${fmt(cpu.interruptsPct, 0)} / ${fmt(cpu.stealPct, 0)} |`,
    );
  }
  lines.push('');
  lines.push(
    '| CPU per answered request, µs of one core (saturation runs) | request thread | other threads of the process | whole process |',
    '|---|---:|---:|---:|',
  );
  for (const t of targets.filter((target) => !target.label.startsWith('(d)'))) {
    const whole = cpuMicrosPerRequest(t, 'serverPct');
    const thread = cpuMicrosPerRequest(t, 'requestThreadPct');
    const known = Number.isFinite(thread);
    lines.push(`| ${t.label} | ${known ? fmt(thread, 1) : '—'} | ${known ? fmt(whole - thread, 1) : '—'} | ${fmt(whole, 1)} |`);
  }
  lines.push(
    '',
    '| The machine\'s speed just before each run: ms for a fixed CPU workload in the load generator (lower is faster) | by run |',
    '|---|---|',
  );
  for (const t of targets.filter((target) => target.speedProbeMsByRun?.every(Number.isFinite))) {
    lines.push(`| ${t.label} | ${t.speedProbeMsByRun.map((ms) => fmt(ms, 1)).join(', ')} |`);
  }
  const contended = targets.filter((t) => t.cpuPercentOfOneCore.otherPct > CONTENDED_PCT);
  if (contended.length > 0) {
    lines.push(
      '',
      `**Warning: other processes used more than ${CONTENDED_PCT}% of a core during ${contended.map((t) => t.target).join(', ')}; ` +
        'the machine was not quiet and these figures are not representative. Run again on a quiet machine.**',
    );
    for (const t of contended) {
      const who = t.cpuPercentOfOneCore.topOthers.map((p) => `${p.name} ${p.pct}%`).join(', ');
      lines.push(`- ${t.target}: ${who || 'short-lived processes (ended before the run did)'}`);
    }
  }
  const stolen = targets.filter((t) => t.cpuPercentOfOneCore.stealPct > CONTENDED_PCT);
  if (stolen.length > 0) {
    lines.push(
      '',
      `**Warning: the hypervisor gave more than ${CONTENDED_PCT}% of a core of this machine's time to other guests (steal) during ` +
        `${stolen.map((t) => `${t.target} (${fmt(t.cpuPercentOfOneCore.stealPct, 0)}%)`).join(', ')}; the machine had less than its ` +
        `${os.cpus().length} cores, by an amount that changed from run to run, and these figures are not representative.**`,
    );
  }
  lines.push('');
  lines.push('| Target | Measured | Goal | Verdict |', '|---|---:|---:|---|');
  lines.push(
    `| verify / health req/s (median of ${ratios.verifyOverHealthByRound.length} alternating rounds: ` +
      `${ratios.verifyOverHealthByRound.map((r) => fmt(r, 3)).join(', ')}) | ${fmt(ratios.verifyOverHealth, 3)} | ≥ ${TARGET_RATIO} | ${ratios.ratioVerdict} |`,
  );
  lines.push(
    `| verify / floor req/s (median of rounds: ${ratios.verifyOverFloorByRound.map((r) => fmt(r, 3)).join(', ')}): ` +
      `the share of a bare POST's speed the service keeps; % of a core stolen by the hypervisor in those rounds, verify · floor: ` +
      `${ratios.stealPctByRound.map(({ verify, floor }) => `${fmt(verify, 0)} · ${fmt(floor, 0)}`).join(', ')} | ` +
      `${fmt(ratios.verifyOverFloor, 3)} | ≥ ${ratios.verifyOverFloorTarget} | ${ratios.verifyOverFloorVerdict} |`,
  );
  lines.push(
    `| the floor's CPU per request / verify's request-thread CPU per request: the share of the floor's speed verify would keep ` +
      `with its worker threads (usage appends, projections) on cores of their own | ` +
      `${fmt(ratios.floorOverVerifyRequestThreadCpu, 3)} | (context) | |`,
  );
  lines.push(
    `| listing / health req/s (median of rounds: ${ratios.listOverHealthByRound.map((r) => fmt(r, 3)).join(', ')}) | ` +
      `${fmt(ratios.listOverHealth, 3)} | ≥ ${ratios.listTarget} | ${ratios.listVerdict} |`,
  );
  lines.push(
    `| a page of one / health req/s (f)/(a) (median of rounds: ${ratios.listOneOverHealthByRound.map((r) => fmt(r, 3)).join(', ')}): ` +
      `what an authenticated route costs before its page | ${fmt(ratios.listOneOverHealth, 3)} | (context) | |`,
  );
  lines.push(
    `| listing / a page of one req/s (c)/(f) (median of rounds: ${ratios.listOverListOneByRound.map((r) => fmt(r, 3)).join(', ')}): ` +
      `what 20 keys add | ${fmt(ratios.listOverListOne, 3)} | (context) | |`,
  );
  lines.push(`| verify p99 at saturation (b) | ${fmt(ratios.verifyP99Ms, 2)} ms | ≤ ${TARGET_VERIFY_P99_MS} ms | ${ratios.p99Verdict} |`);
  lines.push(`| floor p99 at saturation (e): what this machine allows any POST route | ${fmt(ratios.floorP99Ms, 2)} ms | (context) | |`);
  lines.push(
    `| verify p99 at a constant ${fmt(ratios.fixedRate)} req/s (d; at that rate health: ${fmt(ratios.healthAtRateP99Ms, 2)} ms, ` +
      `the floor: ${fmt(ratios.floorAtRateP99Ms, 2)} ms) | ` +
      `${fmt(ratios.verifyAtRateP99Ms, 2)} ms | ≤ ${TARGET_VERIFY_P99_MS} ms | ${ratios.atRateP99Verdict} |`,
  );
  lines.push('');
  lines.push('| Usage events (measured verify run only) | Value |', '|---|---:|');
  lines.push(`| KeyUsed rows before / after the run | ${fmt(usage.keyUsedBefore)} / ${fmt(usage.keyUsedAfter)} |`);
  lines.push(`| KeyUsed written | ${fmt(usage.keyUsedWritten)} |`);
  lines.push(`| KeyUsed written per second of the run | ${fmt(usage.keyUsedPerSecond, 0)} /s |`);
  lines.push(`| verify 2xx with valid:true seen by autocannon | ${fmt(usage.verifyAccepted)} |`);
  lines.push(`| Count matches the accepted verifies | ${usage.matchVerdict} |`);
  lines.push(`| Usage view and detector caught up, after the last use was written | ${fmt(usage.projectionCatchUpSeconds, 1)} s |`);
  lines.push('');
  lines.push(
    'p50/p99/max are exact percentiles of every response time autocannon measured (float ms); ' +
      "autocannon's own integer-ms histogram figures are in latest.json. req/s (mean) is autocannon's mean of per-second samples. " +
      `CPU % is of one core (the machine has ${m.cpuCount}); "other" is every other process on the machine during the run, ` +
      `and load average before the run was ${report.loadAverageBefore.map((l) => l.toFixed(2)).join(' ')}.`,
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------- one benchmark at a time


// ---------------------------------------------------------------- main


async function main() {
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) throw new Error('dist/main.js missing: run `npm run build` (npm run bench does)');
  const service = new Service();
  const floor = new FloorServer();
  const failures = [];
  let report = null;
  const watchdog = setTimeout(() => {
    log(`time budget of ${Math.round(BUDGET_MS / 1000)} s exceeded: stopping`);
    service.stop().finally(() => process.exit(1));
  }, BUDGET_MS);
  const onSignal = (signal) => {
    log(`${signal}: stopping the service`);
    service.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const loadAverageBefore = os.loadavg();
  try {
    log(`starting dist/main.js, DATA_DIR=${service.dataDir}`);
    await service.start();
    log(`service up on ${service.baseUrl} (pid ${service.child.pid})`);

    const admin = await service.cli(['create-key', '--account', 'bench', '--name', 'bench-admin', '--rate-limit', '1000000/1']);
    await waitForAdminKey(service, admin.key);
    log('admin key accepted');

    const rssBeforeBytes = service.rssBytes();
    log(`seeding ${KEY_COUNT} keys, ${SEED_CONCURRENCY} in flight`);
    const seeding = await seedKeys(service, admin.key);
    const settleSeconds = 3;
    await sleep(settleSeconds * 1000);
    const rssAfterBytes = service.rssBytes();
    log(`seeded in ${seeding.seconds.toFixed(1)} s (${seeding.keysPerSecond.toFixed(0)} keys/s)`);
    const keyTableHeap = JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', join(BENCH_DIR, 'key-table-memory.mjs'), String(KEY_COUNT)], { cwd: ROOT, encoding: 'utf8' }),
    );

    // (a) a trivial route in the same app, through Nest's middleware, guard and filter chain.
    const measureHealth = await load(service, 'health', { method: 'GET', path: '/health' });

    // (b) the verify hot path, rotating over the seeded keys.
    const bodies = seeding.keys.map((key, i) =>
      Buffer.from(
        JSON.stringify({
          key,
          context: { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, method: 'POST', path: '/v1/parses', user_agent: 'bench' },
          ...REQUIRED_PERMISSIONS,
        }),
      ),
    );
    let nextBody = 0;
    const verifyOptions = {
      method: 'POST',
      headers: { authorization: `Bearer ${service.verifyToken}`, 'content-type': 'application/json' },
      requests: [
        {
          method: 'POST',
          path: '/v1/keys/verify',
          setupRequest: (request) => {
            request.body = bodies[nextBody++ % bodies.length];
            return request;
          },
        },
      ],
      // Every seeded key is valid and has a limit of 1,000,000/s: anything but valid:true is a failure.
      verifyBody: (body) => body.includes('"valid":true'),
    };
    const measureVerify = await load(service, 'verify', verifyOptions);
    // (e) the floor: the same POSTs to a bare node:http server that does nothing of this service.
    await floor.start();
    const measureFloor = await load(floor, 'floor', verifyOptions);

    // (a), (b) and (e) alternate, so that drift on a shared machine touches them alike; the ratios are the
    // medians of the rounds' ratios. Their order turns from round to round (ROUND_ORDERS): a run leaves the next
    // one in the same process its garbage (express's health answers, collected during whatever comes next).
    const keyUsedBefore = await settledKeyUsedCount(service.dataDir);
    await projectionsCaughtUp(service);
    const healthRuns = [];
    const verifyRuns = [];
    const floorRuns = [];
    let profile = null;
    const measureProfiledVerify = async () => {
      if (!PROFILE || verifyRuns.length > 0) return measureVerify();
      await service.ipc('profile-start');
      const run = await measureVerify();
      const file = join(RESULTS_DIR, 'verify.cpuprofile');
      mkdirSync(RESULTS_DIR, { recursive: true });
      await service.ipc('profile-stop', { file });
      profile = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), 30);
      writeFileSync(join(RESULTS_DIR, 'verify-profile.md'), `${formatSummary(profile)}\n`);
      return run;
    };
    const saturationRuns = {
      health: async () => healthRuns.push(await measureHealth()),
      verify: async () => verifyRuns.push(await measureProfiledVerify()),
      floor: async () => floorRuns.push(await measureFloor()),
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const order = ROUND_ORDERS[(round - 1) % ROUND_ORDERS.length];
      log(`round ${round} of ${ROUNDS}: ${order.join(', ')}`);
      for (const target of order) {
        // A verify run leaves the projections a backlog of uses; every run starts without one.
        await settled(service);
        await saturationRuns[target]();
      }
    }
    floor.stop();
    const keyUsedAfter = await settledKeyUsedCount(service.dataDir);
    const catchUpSeconds = await projectionsCaughtUp(service);
    log(`projections caught up ${catchUpSeconds.toFixed(1)} s after the uses were written`);
    const health = summarize('health', healthRuns);
    const verify = summarize('verify', verifyRuns);
    const floorTarget = summarize('floor', floorRuns);
    const roundRatios = verifyRuns.map((run, i) => run.result.requests.mean / healthRuns[i].result.requests.mean);
    const floorRatios = verifyRuns.map((run, i) => run.result.requests.mean / floorRuns[i].result.requests.mean);
    const stealPctByRound = verifyRuns.map((run, i) => ({ verify: run.cpuPct.stealPct, floor: floorRuns[i].cpuPct.stealPct }));

    // (d) health and verify held at one fixed rate below saturation: at saturation, 50 connections make
    // every latency about 50 / throughput (Little's law), so p99 there says more about throughput. The
    // trivial route at the same rate shows what the machine and the load generator allow.
    const fixedRate = FIXED_RATE;
    log(`health, then verify, at ${fixedRate} req/s: measuring ${SECONDS} s each, up to ${CONNECTIONS} connections`);
    const healthAtRate = summarize('health at a fixed rate', [
      await openLoop(service, { method: 'GET', path: '/health', headers: {} }, fixedRate, SECONDS),
    ]);
    const verifyAtRateOptions = {
      method: 'POST',
      path: '/v1/keys/verify',
      headers: verifyOptions.headers,
      nextBody: () => bodies[nextBody++ % bodies.length],
      verifyBody: verifyOptions.verifyBody,
    };
    const verifyAtRate = summarize('verify at a fixed rate', [await openLoop(service, verifyAtRateOptions, fixedRate, SECONDS)]);
    await floor.start();
    const floorAtRate = summarize('floor at a fixed rate', [await openLoop(floor, verifyAtRateOptions, fixedRate, SECONDS)]);
    floor.stop();

    // (c) an authenticated read route with the admin key (20 per page of the 10,000 seeded keys), in rounds
    // alternating with health, so that listing/health is a ratio within one run like verify/floor.
    await projectionsCaughtUp(service);
    const adminHeaders = { authorization: `Bearer ${admin.key}` };
    const measureList = await load(service, 'list', { method: 'GET', path: '/v1/api-keys', headers: adminHeaders });
    // (f) the same route for a page of one key: the guard, pipes and framework of every authenticated route with
    // almost no page to build, so the listing's cost splits into what any /v1 route pays and what its page adds.
    const measureListOne = await load(service, 'list one', { method: 'GET', path: '/v1/api-keys?limit=1', headers: adminHeaders });
    const listRuns = [];
    const listOneRuns = [];
    const listHealthRuns = [];
    let listProfile = null;
    for (let round = 1; round <= ROUNDS; round++) {
      await settled(service);
      listHealthRuns.push(await measureHealth());
      await settled(service);
      if (PROFILE && round === 1) await service.ipc('profile-start');
      listRuns.push(await measureList());
      if (PROFILE && round === 1) {
        const file = join(RESULTS_DIR, 'list.cpuprofile');
        await service.ipc('profile-stop', { file });
        listProfile = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), 30);
        writeFileSync(join(RESULTS_DIR, 'list-profile.md'), `${formatSummary(listProfile)}\n`);
      }
      await settled(service);
      listOneRuns.push(await measureListOne());
    }
    const list = summarize('list', listRuns);
    const listHealth = summarize('health (listing rounds)', listHealthRuns);
    const listRatios = listRuns.map((run, i) => run.result.requests.mean / listHealthRuns[i].result.requests.mean);
    const listOne = summarize('list one', listOneRuns);
    const listOneRatios = listOneRuns.map((run, i) => run.result.requests.mean / listHealthRuns[i].result.requests.mean);
    const listOverListOneRatios = listRuns.map((run, i) => run.result.requests.mean / listOneRuns[i].result.requests.mean);

    const verifyAccepted = verify.ok2xx - verify.mismatches;
    const keyUsedWritten = keyUsedAfter - keyUsedBefore;
    const difference = keyUsedWritten - verifyAccepted;
    // autocannon stops at the deadline without reading the answers still in flight: the server has
    // recorded those uses, autocannon has not counted them. At most one per connection.
    const matchVerdict =
      difference === 0
        ? 'yes (exact)'
        : difference > 0 && difference <= CONNECTIONS * ROUNDS
          ? `yes, +${difference} (≤ ${CONNECTIONS} requests in flight when autocannon stopped each of ${ROUNDS} runs)`
          : `NO: ${difference > 0 ? '+' : ''}${difference}`;
    if (matchVerdict.startsWith('NO')) failures.push(`KeyUsed written (${keyUsedWritten}) does not match accepted verifies (${verifyAccepted})`);

    const targets = [
      { ...health, label: '(a) GET /health' },
      { ...verify, label: '(b) POST /v1/keys/verify' },
      { ...floorTarget, label: '(e) the same POSTs to a bare node:http server (floor, own process)' },
      { ...healthAtRate, label: `(d) GET /health at a constant ${fixedRate} req/s (open loop)` },
      { ...verifyAtRate, label: `(d) POST /v1/keys/verify at a constant ${fixedRate} req/s (open loop)` },
      { ...floorAtRate, label: `(d) the floor (e) at a constant ${fixedRate} req/s (open loop)` },
      { ...listHealth, label: '(a) GET /health, in the listing rounds' },
      { ...list, label: '(c) GET /v1/api-keys (admin key, 20 per page)' },
      { ...listOne, label: '(f) GET /v1/api-keys?limit=1 (admin key, a page of one)' },
    ];
    for (const t of targets) {
      if (t.non2xx > 0) failures.push(`${t.label}: ${t.non2xx} non-2xx responses ${JSON.stringify(t.statusCodes)}`);
      if (t.errors > 0 || t.timeouts > 0) failures.push(`${t.label}: ${t.errors} errors, ${t.timeouts} timeouts`);
      if (t.mismatches > 0) failures.push(`${t.label}: ${t.mismatches} responses without "valid":true`);
      if (t.ok2xx === 0) failures.push(`${t.label}: no successful response at all`);
    }
    const verifyOverHealth = median(roundRatios);
    const autocannonVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')).version;
    report = {
      finishedAt: new Date().toISOString(),
      ok: failures.length === 0,
      failures,
      code: gitDescription(),
      loadAverageBefore,
      autocannonVersion,
      machine: machine(),
      settings: {
        connections: CONNECTIONS,
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        keys: KEY_COUNT,
        seedConcurrency: SEED_CONCURRENCY,
        usageFlushIntervalMs: FLUSH_INTERVAL_MS,
        profiled: PROFILE,
        verifyPolicy: VERIFY_POLICY,
        rounds: ROUNDS,
        quietWaitsSeconds: quietWaits,
      },
      seeding: {
        keys: KEY_COUNT,
        concurrency: SEED_CONCURRENCY,
        seconds: seeding.seconds,
        keysPerSecond: seeding.keysPerSecond,
        retriedAfterConnectionReset: seeding.retried,
      },
      memory: {
        rssBeforeBytes,
        rssAfterBytes,
        settleSeconds,
        bytesPerKey: (rssAfterBytes - rssBeforeBytes) / KEY_COUNT,
        keyTableHeapBytesPerKey: keyTableHeap.bytesPerKey,
        note: "upper bound: the RSS delta includes the read model's and the allocator's share, not only the in-process key table",
      },
      targets,
      contended: targets.filter((t) => t.cpuPercentOfOneCore.otherPct > CONTENDED_PCT).map((t) => t.target),
      stolen: targets.filter((t) => t.cpuPercentOfOneCore.stealPct > CONTENDED_PCT).map((t) => t.target),
      ratios: {
        verifyOverHealth,
        verifyOverHealthByRound: roundRatios,
        ratioTarget: TARGET_RATIO,
        ratioVerdict: verifyOverHealth >= TARGET_RATIO ? 'PASS' : 'MISS',
        verifyOverFloor: median(floorRatios),
        verifyOverFloorByRound: floorRatios,
        stealPctByRound,
        floorP99Ms: floorTarget.latencyMs.p99,
        verifyP99Ms: verify.latencyMs.p99,
        p99TargetMs: TARGET_VERIFY_P99_MS,
        p99Verdict: verify.latencyMs.p99 <= TARGET_VERIFY_P99_MS ? 'PASS' : 'MISS',
        fixedRate,
        verifyAtRateP99Ms: verifyAtRate.latencyMs.p99,
        healthAtRateP99Ms: healthAtRate.latencyMs.p99,
        floorAtRateP99Ms: floorAtRate.latencyMs.p99,
        atRateP99Verdict: verifyAtRate.latencyMs.p99 <= TARGET_VERIFY_P99_MS ? 'PASS' : 'MISS',
        listOverHealth: median(listRatios),
        listOverHealthByRound: listRatios,
        listOneOverHealth: median(listOneRatios),
        listOneOverHealthByRound: listOneRatios,
        listOverListOne: median(listOverListOneRatios),
        listOverListOneByRound: listOverListOneRatios,
        listTarget: TARGET_LIST_RATIO,
        listVerdict: median(listRatios) >= TARGET_LIST_RATIO ? 'PASS' : 'MISS',
        // CPU the floor spends per request over CPU verify's request thread spends per request: the share of the
        // floor's speed verify would keep with its worker threads (usage appends, projections) on cores of their own.
        floorOverVerifyRequestThreadCpu: cpuMicrosPerRequest(floorTarget, 'serverPct') / cpuMicrosPerRequest(verify, 'requestThreadPct'),
        verifyOverFloorTarget: TARGET_FLOOR_RATIO,
        // A round whose verify or floor run lost cores to other guests compares two machines, not two servers.
        verifyOverFloorVerdict:
          (median(floorRatios) >= TARGET_FLOOR_RATIO ? 'PASS' : 'MISS') +
          (stealPctByRound.some(({ verify, floor }) => Math.max(verify, floor) > CONTENDED_PCT) ? ', not representative (steal)' : ''),
      },
      usage: {
        keyUsedBefore,
        keyUsedAfter,
        keyUsedWritten,
        verifyDurationSeconds: verify.durationSeconds,
        keyUsedPerSecond: keyUsedWritten / verify.durationSeconds,
        verifyAccepted,
        difference,
        matchVerdict,
        projectionCatchUpSeconds: catchUpSeconds,
      },
      profile,
      listProfile,
    };
  } catch (error) {
    // When the service died under us, that is the cause; what failed next is only its consequence.
    if (service.unexpectedExit) failures.push(service.unexpectedExit);
    failures.push(describeError(error));
    if (service.tail.length > 0) log(`last server output:\n${service.tail.join('\n')}`);
  } finally {
    await service.stop().catch((error) => log(`stopping: ${error.message}`));
    floor.stop();
    clearTimeout(watchdog);
  }

  if (report) {
    const text = markdown(report);
    process.stdout.write(`\n${text}\n`);
    if (report.profile) process.stdout.write(`\n### Server CPU profile during the verify run\n\n${formatSummary(report.profile)}\n`);
    if (report.listProfile) process.stdout.write(`\n### Server CPU profile during the listing run\n\n${formatSummary(report.listProfile)}\n`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, `${RESULTS_NAME}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, `${RESULTS_NAME}.md`), `${text}\n`);
    log(`wrote ${join('bench', 'results', `${RESULTS_NAME}.json`)} and ${RESULTS_NAME}.md`);
  }
  if (failures.length > 0) {
    process.stderr.write(`\nBENCHMARK FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

const releaseLock = await acquireLock();
process.once('exit', releaseLock);
try {
  await main();
} finally {
  releaseLock();
}
