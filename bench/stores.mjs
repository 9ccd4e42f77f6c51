// npm run bench:stores: the embedded store and MongoDB side by side, on one large seeded log.
//
// Seeds BENCH_STORES_KEYS keys and BENCH_STORES_EVENTS events straight into a fresh embedded SQLite log
// (bench/lib/seed-log.mjs), then for each store:
//   (a) rebuild: `node dist/cli.js replay` on the seeded log, BENCH_STORES_REPLAYS times, its own figures
//       (parsed from its "Rebuilt read-model generation ..." line) and the wall time of the whole command;
//   (b) catch-up: `node dist/main.js` on a copy of the log with an empty read model (a fresh DATA_DIR holding
//       only events.sqlite; on MongoDB a fresh database), timed until GET /health answers, until
//       GET /health/ready answers 200, and until every projection reports no lag;
//   (c) on that instance: key creation (POST /v1/api-keys, BENCH_STORES_CREATES keys, BENCH_STORES_IN_FLIGHT in
//       flight), revocation of those keys (DELETE, same in flight), then GET /v1/api-keys (20 per page, the
//       admin's account holds 1/BENCH_STORES_ACCOUNTS of the seeded keys) for BENCH_SECONDS; on MongoDB,
//       once the instance has stopped, the store alone doing the write the stored key views make for each
//       revocation (bench/lib/store-keyed-writes.mjs): since the key queries answer from the key table, no
//       request waits for it, so a ratio above 1 is what a revocation gains by not waiting for the store;
//   (d) in the same minute, GET /health of the same service and a bare node:http server (bench/floor-server.mjs)
//       loaded the same way as the listing, so the listing reads as a ratio within one run.
// MongoDB is FerretDB started here (FERRETDB_BIN or /root/go/bin/ferretdb), or the server at MONGODB_URL;
// skipped with one line when there is neither. Prints a Markdown table and writes
// bench/results/stores-latest.json and stores-latest.md. Waits for any other benchmark (the lock of bench/run.mjs).
//
// With EVENTSTORE_URL the log is seeded into that server and every replay and instance reads it there (the
// read models stay embedded or MongoDB as above); use a throwaway server: the seeded events stay in it.
// Env: BENCH_STORES_KEYS (100000), BENCH_STORES_EVENTS (10 x keys), BENCH_STORES_ACCOUNTS (50),
//      BENCH_STORES_REPLAYS (2), BENCH_STORES_CREATES (2000), BENCH_STORES_IN_FLIGHT (16),
//      BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_STORES (embedded,mongodb: which to run; also
//      mongodb-postgresql: FerretDB on its PostgreSQL backend, on a PostgreSQL cluster the benchmark starts
//      (bench/lib/postgres.mjs), skipped with one line when the machine has no PostgreSQL server binaries),
//      BENCH_STORES_STEP_SECONDS (600): creation and revocation start no new request after this long,
//      BENCH_STORES_CATCHUP_SECONDS (3600) and BENCH_STORES_REPLAY_SECONDS (3600): limits of (b) and each (a),
//      BENCH_STORES_SETTLE_SECONDS (300): how long the reads wait for the projections to fold the creations.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import {
  acquireLock,
  closedLoopOf,
  BENCH_DIR,
  describeError,
  FloorServer,
  fmt,
  freePort,
  gitDescription,
  HOST,
  intFromEnv,
  log,
  machine,
  percentile,
  request,
  ROOT,
} from './lib/common.mjs';
import { dropDatabases, ferretDbBinary, ferretDbVersion, startFerretDb } from './lib/ferretdb.mjs';
import { postgresBinaries, startPostgres } from './lib/postgres.mjs';
import { fixedEvents, seedLog } from './lib/seed-log.mjs';
import { storeKeyedWrites } from './lib/store-keyed-writes.mjs';

const RESULTS_DIR = join(BENCH_DIR, 'results');
const KEYS = intFromEnv('BENCH_STORES_KEYS', 100_000, 10, 1_000_000);
const EVENTS = intFromEnv('BENCH_STORES_EVENTS', KEYS * 10, fixedEvents(KEYS), 20_000_000);
const ACCOUNTS = intFromEnv('BENCH_STORES_ACCOUNTS', 50, 1, 1_000_000);
const REPLAYS = intFromEnv('BENCH_STORES_REPLAYS', 2, 1, 20);
const CREATES = intFromEnv('BENCH_STORES_CREATES', 2000, 1, 1_000_000);
const IN_FLIGHT = intFromEnv('BENCH_STORES_IN_FLIGHT', 16, 1, 1000);
const SECONDS = intFromEnv('BENCH_SECONDS', 10, 1, 300);
const WARMUP_SECONDS = intFromEnv('BENCH_WARMUP_SECONDS', 2, 0, 60);
const STEP_SECONDS = intFromEnv('BENCH_STORES_STEP_SECONDS', 600, 1, 86_400);
/** The store-alone writes start no new write after this long: at 100,000 views each takes seconds on FerretDB 1.24. */
const STORE_ALONE_SECONDS = Math.min(STEP_SECONDS, 120);
const CATCH_UP_SECONDS = intFromEnv('BENCH_STORES_CATCHUP_SECONDS', 3600, 10, 86_400);
const REPLAY_SECONDS = intFromEnv('BENCH_STORES_REPLAY_SECONDS', 3600, 10, 86_400);
const STORES = (process.env.BENCH_STORES ?? 'embedded,mongodb').split(',').map((s) => s.trim()).filter(Boolean);
for (const store of STORES) if (!['embedded', 'mongodb', 'mongodb-postgresql'].includes(store)) throw new Error(`BENCH_STORES: unknown store ${store}`);
/** The account the admin key acts in: one of the seeded ones, so the listing pages through seeded keys. */
const ADMIN_ACCOUNT = 'acct_0';
const POLL_MS = 250;
/** How long the reads wait for the projections to fold what the creations wrote; they run anyway after it. */
const CATCH_UP_BEFORE_READS_SECONDS = intFromEnv('BENCH_STORES_SETTLE_SECONDS', 300, 1, 86_400);

const children = new Set();
/** Removed at exit, even after a signal: the seeded log and its copies are hundreds of MiB. */
const tempDirs = new Set();
const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2)));
const elapsedSeconds = (since) => (performance.now() - since) / 1000;

// ---------------------------------------------------------------- processes

/**
 * With EVENTSTORE_URL the log is that EventStoreDB server's (seeded there, read by every replay and instance):
 * use a throwaway server, as the seeded events stay in it. Without it, the embedded log in the seed directory.
 */
const EVENTSTORE_URL = process.env.EVENTSTORE_URL || null;

function serviceEnv(extra) {
  const env = { ...process.env };
  for (const name of ['EVENTSTORE_URL', 'MONGODB_URL', 'MONGODB_DB', 'NODE_OPTIONS']) delete env[name];
  if (EVENTSTORE_URL) env.EVENTSTORE_URL = EVENTSTORE_URL;
  // MAX_KEYS_PER_ACCOUNT: the admin's account holds BENCH_STORES_KEYS / BENCH_STORES_ACCOUNTS seeded keys, and the
  // creations measured add BENCH_STORES_CREATES more, past the default 10000 with fewer accounts: the highest accepted.
  return Object.assign(env, { HOST, LOG_LEVEL: 'warn', RATE_LIMIT_REQUESTS: '1000000', RATE_LIMIT_PER_SECONDS: '1', ACCOUNT_RATE_LIMIT_REQUESTS: '1000000', MAX_KEYS_PER_ACCOUNT: '1000000' }, extra);
}

/** Where the seeded log goes: the EventStoreDB server when configured (dist's adapter), else the seed directory's file. */
async function seedStore(seedDir) {
  if (!EVENTSTORE_URL) return undefined;
  const { EsdbEventStore } = await import('../dist/infrastructure/eventstoredb/esdb-event-store.js');
  log(`seeding into EventStoreDB at ${EVENTSTORE_URL.replace(/\/\/[^@/]*@/, '//***@')} (not ${seedDir})`);
  return new EsdbEventStore(EVENTSTORE_URL);
}

/** Size of the embedded log file, or null when the log is EventStoreDB's. */
const logBytes = (dir) => (existsSync(join(dir, 'events.sqlite')) ? statSync(join(dir, 'events.sqlite')).size : null);

/** Runs a command of dist/cli.js to its end (or kills it at the limit); resolves with its output. */
function runCli(args, env, limitSeconds) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    // The progress bar redraws one line with \r: only the last 4 KiB are worth keeping.
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-4096)));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitSeconds * 1000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, killed, stdout, stderr, wallSeconds: elapsedSeconds(started) });
    });
  });
}

class ServiceProcess {
  constructor(env) {
    this.env = env;
    this.tail = [];
  }

  async start() {
    this.port = await freePort();
    this.baseUrl = `http://${HOST}:${this.port}`;
    this.env = { ...this.env, PORT: String(this.port) };
    this.startedAt = performance.now();
    this.child = spawn(process.execPath, ['--import', pathToFileURL(join(BENCH_DIR, 'loopback.mjs')).href, join(ROOT, 'dist', 'main.js')], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(this.child);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.setEncoding('utf8').on('data', (chunk) => {
        for (const line of chunk.split('\n').filter(Boolean)) {
          this.tail.push(line);
          if (this.tail.length > 50) this.tail.shift();
          process.stderr.write(`[server] ${line.slice(0, 500)}\n`);
        }
      });
    }
  }

  alive() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async get(path, timeoutMs = 5000) {
    const res = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return { status: res.status, text };
  }

  /** Polls `path` until `done(answer)`; returns the seconds since the process was spawned. */
  async until(path, done, deadlineMs, what) {
    for (;;) {
      if (!this.alive()) throw new Error(`the service exited (${this.child.exitCode ?? this.child.signalCode}) while waiting for ${what}`);
      try {
        const answer = await this.get(path);
        if (done(answer)) return elapsedSeconds(this.startedAt);
        this.last = answer;
      } catch {
        // not listening yet, or too busy to answer within the timeout
      }
      if (Date.now() > deadlineMs) throw new Error(`${what}: not reached within the limit (last answer: ${this.last?.status} ${this.last?.text?.slice(0, 300)})`);
      await sleep(POLL_MS);
    }
  }

  async stop() {
    if (!this.child) return;
    if (this.alive()) {
      this.child.kill('SIGTERM');
      const timeout = sleep(30_000).then(() => 'timeout');
      if ((await Promise.race([this.exited, timeout])) === 'timeout') {
        log('the service did not stop within 30 s of SIGTERM: killing it');
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    children.delete(this.child);
  }
}

function projectionsOf(text) {
  try {
    return JSON.parse(text).details?.projections?.projections ?? [];
  } catch {
    return [];
  }
}

const everyProjectionCaughtUp = ({ status, text }) => {
  const projections = projectionsOf(text);
  return status === 200 && projections.length > 0 && projections.every((p) => p.lag_events === 0);
};

// ---------------------------------------------------------------- load

/** `count` requests, `inFlight` at a time, none started after `limitSeconds`; every status and latency kept. */
async function closedLoop(count, inFlight, limitSeconds, send) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const statuses = {};
  const errors = [];
  const results = new Array(count);
  // Answers given from the log because the read models had not caught up within READ_YOUR_WRITES_TIMEOUT_MS.
  let catchingUp = 0;
  const onAnswer = (answer, i) => {
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    if (answer.headers?.['parsesphere-read-models'] === 'catching-up') catchingUp++;
    results[i] = answer;
  };
  let loop;
  try {
    loop = await closedLoopOf(count, inFlight, limitSeconds, (i) => send(agent, i), { onAnswer, onError: (error) => errors.push(describeError(error)) });
  } finally {
    agent.destroy();
  }
  const { latencies, seconds } = loop;
  const ok = Object.entries(statuses).reduce((n, [code, c]) => n + (code.startsWith('2') ? c : 0), 0);
  return {
    asked: count,
    answered: latencies.length,
    ok,
    perSecond: ok / seconds,
    seconds,
    stoppedAtLimit: latencies.length + errors.length < count,
    statuses,
    catchingUp,
    errors: errors.length,
    firstErrors: errors.slice(0, 5),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
    results,
  };
}

/**
 * IN_FLIGHT keep-alive connections, each sending its next GET as soon as the last is answered, for `seconds`;
 * requests in flight at the end are waited for and counted, so a target slower than the run still shows its
 * figures (autocannon drops them). The same generator for the listing, /health and the floor: their ratio
 * holds whatever this generator's own ceiling.
 */
async function timedLoad(baseUrl, path, headers, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const latencies = [];
  const statuses = {};
  const errors = [];
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  let lastAnswerAt = started;
  const worker = async () => {
    while (performance.now() < stopAt) {
      const sentAt = performance.now();
      try {
        const { status } = await request(agent, `${baseUrl}${path}`, { headers });
        lastAnswerAt = performance.now();
        latencies.push(lastAnswerAt - sentAt);
        statuses[status] = (statuses[status] ?? 0) + 1;
      } catch (error) {
        errors.push(describeError(error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  const ok2xx = Object.entries(statuses).reduce((n, [code, c]) => n + (code.startsWith('2') ? c : 0), 0);
  const durationSeconds = (lastAnswerAt - started) / 1000;
  return {
    requestsPerSecond: durationSeconds > 0 ? ok2xx / durationSeconds : 0,
    durationSeconds,
    ok2xx,
    non2xx: latencies.length - ok2xx,
    statuses,
    errors: errors.length,
    firstErrors: errors.slice(0, 5),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
    loadAverage: loadAverage(),
  };
}

async function measureRead(label, baseUrl, path, headers) {
  if (WARMUP_SECONDS > 0) {
    log(`${label}: warm-up ${WARMUP_SECONDS} s`);
    await timedLoad(baseUrl, path, headers, WARMUP_SECONDS);
  }
  log(`${label}: measuring ${SECONDS} s at ${IN_FLIGHT} connections`);
  return timedLoad(baseUrl, path, headers, SECONDS);
}

// ---------------------------------------------------------------- steps

const REBUILT = /Rebuilt read-model generation (\d+) from (\d+) events in ([\d.]+) s \((\d+) events\/s\)/;

async function rebuild(env, run) {
  log(`(a) replay ${run} of ${REPLAYS}`);
  const loadBefore = loadAverage();
  const out = await runCli(['replay'], env, REPLAY_SECONDS);
  const match = REBUILT.exec(out.stdout);
  if (out.code !== 0 || !match) {
    const why = out.killed ? `killed after ${REPLAY_SECONDS} s (BENCH_STORES_REPLAY_SECONDS)` : `exit ${out.code ?? out.signal}`;
    return { run, ok: false, error: `replay ${why}: ${(out.stderr.split('\r').at(-1) ?? '').trim().slice(-1500)}`, wallSeconds: out.wallSeconds, loadBefore };
  }
  const [, generation, events, seconds, eventsPerSecond] = match;
  log(`(a) ${match[0]}`);
  return {
    run,
    ok: true,
    generation: Number(generation),
    events: Number(events),
    seconds: Number(seconds),
    eventsPerSecond: Number(eventsPerSecond),
    wallSeconds: out.wallSeconds,
    line: out.stdout.trim(),
    loadBefore,
  };
}

async function catchUp(service) {
  log('(b) starting a fresh instance with an empty read model');
  const loadBefore = loadAverage();
  await service.start();
  const deadline = Date.now() + CATCH_UP_SECONDS * 1000;
  const listening = await service.until('/health', ({ status }) => status === 200, deadline, 'GET /health 200');
  log(`(b) listening after ${listening.toFixed(1)} s`);
  let notReadySeen = false;
  const ready = await service.until(
    '/health/ready',
    ({ status }) => {
      if (status === 503) notReadySeen = true;
      return status === 200;
    },
    deadline,
    'GET /health/ready 200',
  );
  const atReady = projectionsOf(service.last?.text ?? '{}');
  const readyAnswer = await service.get('/health/ready').catch(() => null);
  log(`(b) ready after ${ready.toFixed(1)} s`);
  const readModels = await service.until(
    '/health/ready',
    ({ status, text }) => status === 200 && readModelLags(text).length > 0 && readModelLags(text).every((lag) => lag === 0),
    deadline,
    'read models with no lag',
  );
  log(`(b) read models caught up after ${readModels.toFixed(1)} s`);
  const all = await service.until('/health/ready', everyProjectionCaughtUp, deadline, 'every projection with no lag');
  log(`(b) every projection caught up after ${all.toFixed(1)} s`);
  return {
    listeningSeconds: listening,
    readySeconds: ready,
    readModelsCaughtUpSeconds: readModels,
    allProjectionsCaughtUpSeconds: all,
    answered503WhileLagging: notReadySeen,
    lastNotReadyProjections: atReady,
    readyBody: readyAnswer ? projectionsOf(readyAnswer.text) : null,
    loadBefore,
  };
}

/** Lag of the projections that serve reads, from the body of /health/ready (names as the service reports them). */
function readModelLags(text) {
  return projectionsOf(text)
    .filter((p) => !BACKGROUND.includes(p.name))
    .map((p) => p.lag_events);
}
/** Background work (src/anomalies/anomalies.projections.ts): nobody reads it, readiness ignores it. */
const BACKGROUND = ['anomaly-detector', 'alert-webhook'];

async function createAdminKey(service) {
  const out = await runCli(['create-key', '--account', ADMIN_ACCOUNT, '--name', 'bench-admin', '--rate-limit', '1000000/1'], service.env, 120);
  if (out.code !== 0) throw new Error(`create-key failed (${out.code ?? out.signal}): ${out.stderr.slice(-1000)}`);
  const { key, id } = JSON.parse(out.stdout);
  // The CLI's KeyCreated reaches the instance through its subscription. Asked for by id, not by listing: a
  // listing too slow to answer is a figure of (c), not a reason to stop here.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${service.baseUrl}/v1/api-keys/${id}`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(30_000) }).catch(
      (error) => ({ status: describeError(error), arrayBuffer: async () => undefined }),
    );
    await res.arrayBuffer();
    if (res.status === 200) return key;
    if (Date.now() > deadline) throw new Error(`the instance did not accept the CLI-created key within 60 s (last: ${res.status})`);
    await sleep(100);
  }
}

async function serve(service) {
  const adminKey = await createAdminKey(service);
  const auth = { authorization: `Bearer ${adminKey}` };

  log(`(c) creating ${CREATES} keys, ${IN_FLIGHT} in flight`);
  const createLoad = loadAverage();
  const created = await closedLoop(CREATES, IN_FLIGHT, STEP_SECONDS, (agent, i) => {
    const body = JSON.stringify({ name: `bench-created-${i}` });
    return request(agent, `${service.baseUrl}/v1/api-keys`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      body,
    });
  });
  const createdIds = created.results.filter((r) => r?.status === 201).map((r) => JSON.parse(r.text).id);
  delete created.results;
  created.loadBefore = createLoad;
  log(`(c) created ${created.ok} keys in ${created.seconds.toFixed(1)} s (${created.perSecond.toFixed(1)}/s), statuses ${JSON.stringify(created.statuses)}`);

  // Revoked before the reads: a store that 16 listings saturate (FerretDB 1.24) would otherwise still be working
  // through them when the revocations start, and they would measure the listings' backlog.
  log(`(c) revoking the ${createdIds.length} keys created, ${IN_FLIGHT} in flight`);
  const revokeLoad = loadAverage();
  const revoked = await closedLoop(createdIds.length, IN_FLIGHT, STEP_SECONDS, (agent, i) =>
    request(agent, `${service.baseUrl}/v1/api-keys/${createdIds[i]}`, { method: 'DELETE', headers: auth }),
  );
  delete revoked.results;
  revoked.loadBefore = revokeLoad;
  log(`(c) revoked ${revoked.ok} keys in ${revoked.seconds.toFixed(1)} s (${revoked.perSecond.toFixed(1)}/s), statuses ${JSON.stringify(revoked.statuses)}`);
  // The uses the creations and revocations recorded are folded before the reads are measured, so their catch-up is not measured as read latency.
  const beforeReads = { loadBefore: loadAverage() };
  const waitStarted = performance.now();
  try {
    await service.until('/health/ready', everyProjectionCaughtUp, Date.now() + CATCH_UP_BEFORE_READS_SECONDS * 1000, 'projections caught up before the reads');
    beforeReads.caughtUpSeconds = elapsedSeconds(waitStarted);
  } catch (error) {
    log(error.message);
    beforeReads.error = error.message;
    beforeReads.projections = projectionsOf(service.last?.text ?? '{}');
  }
  const health = await measureRead('(d) GET /health', service.baseUrl, '/health', {});
  const list = await measureRead('(c) GET /v1/api-keys', service.baseUrl, '/v1/api-keys?limit=20', auth);
  const floorServer = new FloorServer();
  await floorServer.start();
  children.add(floorServer.child);
  let floor;
  try {
    floor = await measureRead('(d) floor: GET on a bare node:http server', floorServer.baseUrl, '/', {});
  } finally {
    floorServer.stop();
    children.delete(floorServer.child);
  }

  return { created, beforeReads, list, health, floor, revoked, revokedIds: createdIds };
}

/** A fresh DATA_DIR holding a copy of the seeded log and nothing else (nothing at all when the log is EventStoreDB's). */
function copyOfLog(seedDir) {
  const dir = mkdtempSync(join(os.tmpdir(), 'parsesphere-bench-stores-'));
  tempDirs.add(dir);
  for (const file of ['events.sqlite', 'events.sqlite-wal']) {
    if (existsSync(join(seedDir, file))) copyFileSync(join(seedDir, file), join(dir, file));
  }
  return dir;
}

async function benchStore(name, seedDir, extraEnv) {
  const result = { store: name, rebuilds: [], failures: [] };
  // (a) The replays rebuild beside each other in the seed directory (embedded: read-model files next to
  // events.sqlite) or in a database of their own (MongoDB); the log itself is only read.
  const replayEnv = serviceEnv({ DATA_DIR: seedDir, ...extraEnv.replay });
  for (let run = 1; run <= REPLAYS; run++) {
    const rebuilt = await rebuild(replayEnv, run);
    result.rebuilds.push(rebuilt);
    if (!rebuilt.ok) result.failures.push(`${name}: replay ${run} failed: ${rebuilt.error}`);
  }
  // (b), (c), (d) on one instance.
  const dataDir = copyOfLog(seedDir);
  const service = new ServiceProcess(serviceEnv({ DATA_DIR: dataDir, ...extraEnv.serve }));
  try {
    result.catchUp = await catchUp(service);
    Object.assign(result, await serve(service));
    for (const [label, step] of [['creation', result.created], ['revocation', result.revoked]]) {
      if (step.ok < step.asked) {
        result.failures.push(
          `${name}: ${label}: ${step.ok} of ${step.asked} answered 2xx${step.stoppedAtLimit ? ` (stopped at BENCH_STORES_STEP_SECONDS=${STEP_SECONDS})` : ''}, statuses ${JSON.stringify(step.statuses)}, ${step.errors} errors`,
        );
      }
    }
    for (const [label, target] of [['GET /v1/api-keys', result.list], ['GET /health', result.health], ['floor', result.floor]]) {
      if (target.non2xx || target.errors || target.ok2xx === 0) {
        result.failures.push(`${name}: ${label}: ${target.ok2xx} 2xx, statuses ${JSON.stringify(target.statuses)}, ${target.errors} errors ${target.firstErrors.join('; ')}`);
      }
    }
  } catch (error) {
    result.failures.push(`${name}: ${describeError(error)}`);
    if (service.tail.length) log(`last server output:\n${service.tail.join('\n')}`);
  } finally {
    await service.stop();
    result.eventsSqliteBytesAfter = logBytes(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const revokedIds = result.revokedIds ?? [];
  delete result.revokedIds;
  if (extraEnv.serve?.MONGODB_URL && revokedIds.length > 0) {
    log(`(c) the store alone: ${revokedIds.length} findOneAndUpdate by _id, ${IN_FLIGHT} in flight, on the key views the service left`);
    try {
      result.storeWrites = await storeKeyedWrites(extraEnv.serve.MONGODB_URL, extraEnv.serve.MONGODB_DB, revokedIds, IN_FLIGHT, STORE_ALONE_SECONDS);
    } catch (error) {
      result.failures.push(`${name}: the store's own keyed writes: ${describeError(error)}`);
    }
  }
  return result;
}

/**
 * The MongoDB server for one column: MONGODB_URL for `mongodb` when set (its databases dropped at the end), else
 * a FerretDB started here, on SQLite (`mongodb`) or on a PostgreSQL cluster started here (`mongodb-postgresql`).
 * Null, with a line in `skipped`, when this machine lacks what the column needs.
 */
async function startMongo(store, servers, skipped) {
  const skip = (reason) => {
    skipped.push(`${store} skipped: ${reason}`);
    log(skipped.at(-1));
    return null;
  };
  if (store === 'mongodb' && process.env.MONGODB_URL) {
    return { url: process.env.MONGODB_URL, label: `MONGODB_URL ${process.env.MONGODB_URL.replace(/\/\/[^@/]*@/, '//***@')}` };
  }
  const binary = ferretDbBinary();
  if (!binary) return skip(`no ${store === 'mongodb' ? 'MONGODB_URL and no ' : ''}FerretDB binary (FERRETDB_BIN or /root/go/bin/ferretdb).`);
  let postgres = null;
  if (store === 'mongodb-postgresql') {
    const bin = postgresBinaries();
    if (!bin) return skip('no PostgreSQL server binaries (PG_BIN or /usr/lib/postgresql/<version>/bin).');
    postgres = await startPostgres(bin, 'ferretdb');
  }
  let ferret;
  try {
    ferret = await startFerretDb(binary, { postgresqlUrl: postgres?.url ?? null });
  } catch (error) {
    await postgres?.stop();
    throw error;
  }
  const backend = postgres ? `PostgreSQL ${postgres.version}` : 'SQLite';
  const server = {
    url: ferret.url,
    label: `FerretDB ${ferretDbVersion(binary)} on ${backend}, started by the benchmark`,
    dataBytes: () => (postgres ? postgres.dataBytes() : ferret.dataBytes()),
    stop: async () => {
      await ferret.stop();
      await postgres?.stop();
    },
  };
  servers.add(server);
  log(`${server.label} at ${server.url}`);
  return server;
}

// ---------------------------------------------------------------- report

const num = (value, digits = 0) => fmt(value, digits);
const latency = (t) =>
  t ? `${num(t.requestsPerSecond)} req/s · p50 ${num(t.latencyMs.p50, 1)} ms · p99 ${num(t.latencyMs.p99, 1)} ms${t.non2xx || t.errors ? ` (**${t.non2xx} non-2xx, ${t.errors} errors**)` : ''}` : 'n/a';

function markdown(report) {
  const { machine: m, seed } = report;
  const columns = report.stores;
  const heading = (s) => (s.store === 'embedded' ? 'embedded (SQLite)' : `MongoDB (${s.server})`);
  const row = (label, pick) => `| ${label} | ${columns.map((s) => { try { return pick(s) ?? 'n/a'; } catch { return 'n/a'; } }).join(' | ')} |`;
  const lines = [];
  lines.push(`## ParseSphere Keys stores benchmark (${report.finishedAt})`, '');
  lines.push(
    `Machine: ${m.cpuModel} x ${m.cpuCount}, ${num(m.totalMemoryBytes / 2 ** 30, 1)} GiB RAM, Node ${m.node}, ${m.platform}. Code: ${report.code}. ` +
      `**Load average (1, 5, 15 min) at the start: ${report.loadAverageBefore.join(', ')}; at the end: ${report.loadAverageAfter.join(', ')}** ` +
      `(the machine has ${m.cpuCount} cores: above ${m.cpuCount}, other processes took CPU from every figure below).`,
  );
  lines.push(
    `Log: ${num(seed.keys)} keys in ${num(seed.accounts)} accounts, ${num(seed.events)} events (${num(seed.uses)} KeyUsed in ${seed.rounds} rounds, ${num(seed.revoked)} KeyRevoked), ` +
      `${seed.bytes === null ? 'in EventStoreDB' : `${num(seed.bytes / 2 ** 20, 0)} MiB`}, written in ${num(seed.seconds, 1)} s. Listing: the admin key's account, ${num(seed.keys / seed.accounts)} seeded keys. ` +
      `${IN_FLIGHT} in flight / connections; ${report.settings.seconds} s per read target after ${report.settings.warmupSeconds} s warm-up.`,
    '',
  );
  if (report.skipped.length) lines.push(...report.skipped.map((s) => `- ${s}`), '');
  lines.push(`| Figure | ${columns.map(heading).join(' | ')} |`, `|---|${columns.map(() => '---:').join('|')}|`);
  for (let run = 0; run < report.settings.replays; run++) {
    lines.push(
      row(`(a) rebuild ${run + 1}: \`replay\`, events/s (its own time; wall time of the command)`, (s) => {
        const r = s.rebuilds[run];
        if (!r) return 'not run';
        return r.ok ? `**${num(r.eventsPerSecond)}** (${num(r.seconds, 1)} s; ${num(r.wallSeconds, 1)} s)` : `FAILED after ${num(r.wallSeconds, 1)} s`;
      }),
    );
  }
  lines.push(row('(b) catch-up of a fresh instance: GET /health answers', (s) => `${num(s.catchUp.listeningSeconds, 1)} s`));
  lines.push(row('(b) catch-up: **GET /health/ready answers 200**', (s) => `**${num(s.catchUp.readySeconds, 1)} s**${s.catchUp.answered503WhileLagging ? ' (503 before)' : ''}`));
  lines.push(row('(b) catch-up: read models report no lag', (s) => `${num(s.catchUp.readModelsCaughtUpSeconds, 1)} s`));
  lines.push(row('(b) catch-up: every projection (with detection) reports no lag', (s) => `${num(s.catchUp.allProjectionsCaughtUpSeconds, 1)} s`));
  lines.push(
    row(`(c) key creation, POST /v1/api-keys, ${IN_FLIGHT} in flight`, (s) =>
      `**${num(s.created.perSecond, 1)} keys/s** (${num(s.created.ok)} of ${num(s.created.asked)} in ${num(s.created.seconds, 1)} s; p50 ${num(s.created.latencyMs.p50, 0)} · p99 ${num(s.created.latencyMs.p99, 0)} ms)`,
    ),
  );
  lines.push(
    row('(c) projections caught up after the creations and revocations (reads wait for it, then run anyway)', (s) =>
      s.beforeReads.error
        ? `**NOT within ${CATCH_UP_BEFORE_READS_SECONDS} s**: ${s.beforeReads.projections.filter((p) => p.lag_events > 0).map((p) => `${p.name} ${p.lag_events} behind`).join(', ') || 'see stores-latest.json'}`
        : `${num(s.beforeReads.caughtUpSeconds, 1)} s`,
    ),
  );
  lines.push(row('(c) **GET /v1/api-keys** (20 per page)', (s) => latency(s.list)));
  lines.push(row('(d) GET /health, same service', (s) => latency(s.health)));
  lines.push(row('(d) floor: bare node:http GET, same load', (s) => latency(s.floor)));
  lines.push(row('listing / floor req/s', (s) => num(s.list.requestsPerSecond / s.floor.requestsPerSecond, 3)));
  lines.push(row('listing / health req/s', (s) => num(s.list.requestsPerSecond / s.health.requestsPerSecond, 3)));
  lines.push(
    row(`(c) revocation, DELETE /v1/api-keys/{id}, ${IN_FLIGHT} in flight`, (s) =>
      `**${num(s.revoked.perSecond, 1)} keys/s** (${num(s.revoked.ok)} of ${num(s.revoked.asked)} in ${num(s.revoked.seconds, 1)} s; p50 ${num(s.revoked.latencyMs.p50, 0)} · p99 ${num(s.revoked.latencyMs.p99, 0)} ms)` +
      (s.revoked.catchingUp ? `; **${num(s.revoked.catchingUp)} answered from the log** (views not caught up within the read-your-writes timeout)` : ''),
    ),
  );
  lines.push(
    row(`(c) the store alone: the stored key view's write for a revocation, made afterwards (findOneAndUpdate by \`_id\`, ${IN_FLIGHT} in flight, from the driver)`, (s) =>
      s.storeWrites
        ? `${num(s.storeWrites.perSecond, 1)} writes/s on ${num(s.storeWrites.documents)} views (p50 ${num(s.storeWrites.latencyMs.p50, 1)} · p99 ${num(s.storeWrites.latencyMs.p99, 1)} ms)` +
          (Object.keys(s.storeWrites.errors).length ? `; **failed**: ${JSON.stringify(s.storeWrites.errors)}` : '')
        : 'n/a (no server round trip)',
    ),
  );
  lines.push(
    row('**revocation / the store alone** (above 1: the answer does not wait for that write)', (s) =>
      s.storeWrites ? `**${num(s.revoked.perSecond / s.storeWrites.perSecond, 3)}**${s.revoked.catchingUp ? ' (bound by the read-your-writes timeout, not the store: see above)' : ''}` : 'n/a',
    ),
  );
  lines.push(row('statuses: creation · revocation', (s) => `${JSON.stringify(s.created.statuses)} · ${JSON.stringify(s.revoked.statuses)}`));
  lines.push(row('load average (1 min) before a · b · creation · listing · revocation', (s) =>
    [s.rebuilds[0]?.loadBefore?.[0], s.catchUp?.loadBefore?.[0], s.created?.loadBefore?.[0], s.list?.loadAverage?.[0], s.revoked?.loadBefore?.[0]].map((l) => num(l, 1)).join(' · '),
  ));
  lines.push('');
  lines.push(
    "Rebuild events/s is the replay command's own figure (events applied / its rebuild time); the wall time adds the CLI's start and the switch. " +
      'Catch-up times count from the spawn of `node dist/main.js` on a copy of the log with an empty read model. ' +
      'p50/p99 are exact percentiles of every response time (ms); req/s counts 2xx answers over the run, stragglers included. ' +
      'The listing, /health and the floor run back to back in the same minute: their ratios hold better than their absolute figures on a loaded machine.',
  );
  if (report.failures.length) lines.push('', '**Failures:**', ...report.failures.map((f) => `- ${f}`));
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) throw new Error('dist/main.js missing: run `npm run build` (npm run bench:stores does)');
  const loadAverageBefore = loadAverage();
  const seedDir = mkdtempSync(join(os.tmpdir(), 'parsesphere-bench-stores-seed-'));
  tempDirs.add(seedDir);
  const failures = [];
  const skipped = [];
  const results = [];
  /** MongoDB servers started here, stopped after their column (or at the end when a column fails). */
  const servers = new Set();
  const databases = [];
  try {
    log(`seeding ${KEYS} keys, ${EVENTS} events into ${seedDir}`);
    const seedStarted = performance.now();
    let lastReport = 0;
    const seeded = await seedLog(seedDir, {
      store: await seedStore(seedDir),
      keys: KEYS,
      events: EVENTS,
      accounts: ACCOUNTS,
      onProgress: (written) => {
        if (written - lastReport >= 100_000) {
          lastReport = written;
          log(`  ${written} events written`);
        }
      },
    });
    const seed = { ...seeded, accounts: ACCOUNTS, seconds: elapsedSeconds(seedStarted), bytes: logBytes(seedDir), eventStore: EVENTSTORE_URL ? 'EventStoreDB' : 'embedded' };
    log(`seeded ${seed.events} events in ${seed.seconds.toFixed(1)} s`);

    for (const store of STORES) {
      if (store === 'embedded') {
        results.push(await benchStore('embedded', seedDir, { replay: {}, serve: {} }));
        continue;
      }
      const server = await startMongo(store, servers, skipped);
      if (!server) continue;
      const suffix = randomBytes(4).toString('hex');
      const replayDb = `bench_stores_replay_${suffix}`;
      const serveDb = `bench_stores_serve_${suffix}`;
      if (!server.stop) databases.push(replayDb, serveDb);
      const result = await benchStore('mongodb', seedDir, {
        replay: { MONGODB_URL: server.url, MONGODB_DB: replayDb },
        serve: { MONGODB_URL: server.url, MONGODB_DB: serveDb },
      });
      result.server = server.label;
      if (server.dataBytes) result.serverDataBytes = server.dataBytes();
      results.push(result);
      await server.stop?.().catch((error) => log(`stopping ${server.label}: ${error.message}`));
      servers.delete(server);
    }
    failures.push(...results.flatMap((r) => r.failures));
    const report = {
      finishedAt: new Date().toISOString(),
      ok: failures.length === 0,
      failures,
      skipped,
      code: gitDescription(),
      machine: machine(),
      loadAverageBefore,
      loadAverageAfter: loadAverage(),
      settings: {
        keys: KEYS,
        events: EVENTS,
        accounts: ACCOUNTS,
        replays: REPLAYS,
        creates: CREATES,
        inFlight: IN_FLIGHT,
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        stepSeconds: STEP_SECONDS,
        catchUpSeconds: CATCH_UP_SECONDS,
        replaySeconds: REPLAY_SECONDS,
      },
      seed,
      stores: results,
    };
    const text = markdown(report);
    process.stdout.write(`\n${text}\n`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'stores-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, 'stores-latest.md'), `${text}\n`);
    log('wrote bench/results/stores-latest.json and stores-latest.md');
  } finally {
    for (const server of servers) await server.stop().catch((error) => log(`stopping ${server.label}: ${error.message}`));
    if (process.env.MONGODB_URL && databases.length) await dropDatabases(process.env.MONGODB_URL, databases).catch((error) => log(`dropping ${databases}: ${error.message}`));
    rmSync(seedDir, { recursive: true, force: true });
  }
  if (failures.length) {
    process.stderr.write(`\nBENCHMARK FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

const killChildren = () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
};
process.once('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    killChildren();
    process.exit(130);
  });
}

const releaseLock = await acquireLock();
process.once('exit', releaseLock);
try {
  await main();
} finally {
  releaseLock();
}
