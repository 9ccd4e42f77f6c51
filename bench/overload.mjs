// node bench/overload.mjs: the service offered more verifies than it can answer, for minutes, then less again.
//
// Starts dist/main.js (embedded store) on OVERLOAD_PORT with OVERLOAD_DATA_DIR, seeds OVERLOAD_KEYS keys through
// POST /v1/api-keys, measures verify's capacity (autocannon, 50 connections, closed loop), then offers verify at
// fixed rates (open loop: request i is due at i / rate s and its latency counts from then) of OVERLOAD_FACTORS ×
// that capacity for OVERLOAD_SECONDS each, with at most OVERLOAD_CONNECTIONS requests in flight (a balancer's
// pool: a request due while the pool is full is counted `not sent`, as a balancer would refuse it) and a client
// timeout of OVERLOAD_TIMEOUT_MS. A run at half the capacity before and after the overload tells whether the
// service recovered by itself. Every second: the server's resident memory and `GET /health/ready`'s status; every
// 5 s: the event-loop delay p99 from /metrics. After each step: KeyUsed events in the log against the valid
// answers seen. One JSON line per step on stdout; progress on stderr.
//
// With OVERLOAD_NEIGHBOUR=1 instead: account `quiet` verifies at OVERLOAD_QUIET_RATE (200/s) and lists its keys at
// 10/s, alone, then while account `noisy` (OVERLOAD_KEYS keys of its own) lists its keys page after page, creates keys and
// reads a key's history with OVERLOAD_NOISY_IN_FLIGHT (32) requests in flight, then alone again. Keys are seeded
// without the account limit; the phases run with it when OVERLOAD_ACCOUNT_LIMIT=1 (ACCOUNT_RATE_LIMIT_REQUESTS, 100).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { HOST, intFromEnv, log, percentile, ROOT } from './lib/common.mjs';

const PORT = intFromEnv('OVERLOAD_PORT', 57100, 1, 65535);
const DATA_DIR = process.env.OVERLOAD_DATA_DIR ?? '/tmp/o/overload';
const KEYS = intFromEnv('OVERLOAD_KEYS', 10_000, 1, 100_000);
const SECONDS = intFromEnv('OVERLOAD_SECONDS', 120, 1, 3600);
const CONNECTIONS = intFromEnv('OVERLOAD_CONNECTIONS', 256, 1, 10_000);
const TIMEOUT_MS = intFromEnv('OVERLOAD_TIMEOUT_MS', 2000, 10, 120_000);
const FACTORS = (process.env.OVERLOAD_FACTORS ?? '1.5,2,4').split(',').map(Number);
// A capacity given instead of measured: runs compared at the same offered rates (before and after a change).
const GIVEN_CAPACITY = intFromEnv('OVERLOAD_CAPACITY', 0, 0, 1_000_000);
const NEIGHBOUR = process.env.OVERLOAD_NEIGHBOUR === '1';
const QUIET_RATE = intFromEnv('OVERLOAD_QUIET_RATE', 200, 1, 100_000);
const NOISY_IN_FLIGHT = intFromEnv('OVERLOAD_NOISY_IN_FLIGHT', 32, 1, 1000);
const VERIFY_TOKEN = 'overload-verify-token-0123456789abcdef';
const METRICS_TOKEN = 'overload-metrics-token-0123';
const base = `http://${HOST}:${PORT}`;
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function call(agent, method, path, token, body, timeoutMs = TIMEOUT_MS) {
  return new Promise((done) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) };
    const req = http.request({ host: HOST, port: PORT, method, path, agent, headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => done({ status: res.statusCode, text, headers: res.headers }));
      res.on('error', () => done({ status: 0, text: '' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => done({ status: error.message === 'timeout' ? 'timeout' : 0, text: '' }));
    req.end(data);
  });
}

function cli(...args) {
  const env = { ...process.env, DATA_DIR, LOG_LEVEL: 'warn' };
  return JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/cli.js'), ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString());
}

/** Seeding is one account's thousands of requests a second: without the account limit unless `limited`. */
function startService(limited = false) {
  const accountLimit = limited ? (process.env.ACCOUNT_RATE_LIMIT_REQUESTS ?? '100') : '1000000';
  const env = { ...process.env, DATA_DIR, PORT: String(PORT), HOST, LOG_LEVEL: 'warn', VERIFY_TOKEN, METRICS_TOKEN, MAX_KEYS_PER_ACCOUNT: '1000000', ACCOUNT_RATE_LIMIT_REQUESTS: accountLimit };
  const child = spawn(process.execPath, [join(ROOT, 'dist/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => log(`the service exited (${code ?? signal})`));
  return child;
}

async function ready(timeoutS = 120) {
  for (const end = Date.now() + timeoutS * 1000; Date.now() < end; await sleep(200)) {
    if ((await call(undefined, 'GET', '/health/ready', '', undefined, 2000)).status === 200) return;
  }
  throw new Error('not ready');
}

async function seed(adminKey, count, account) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const keys = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const i = next++;
        const answer = await call(agent, 'POST', '/v1/api-keys', adminKey, { name: `${account}-${i}`, rate_limit: { requests: 1_000_000, per_seconds: 1 } }, 30_000);
        if (answer.status !== 201) throw new Error(`seed #${i}: ${answer.status} ${answer.text.slice(0, 200)}`);
        keys.push(JSON.parse(answer.text));
      }
    }),
  );
  agent.destroy();
  log(`${account}: ${count} keys in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return keys;
}

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function metric(name) {
  const answer = await call(undefined, 'GET', '/metrics', METRICS_TOKEN, undefined, 10_000);
  const line = answer.text?.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : null;
}

async function eventLoopP99Ms() {
  const seconds = await metric('nodejs_eventloop_lag_p99_seconds');
  return seconds === null ? null : seconds * 1000;
}

/** Samples the server while `work` runs: RSS and readiness every second, event-loop p99 every 5 s. */
async function sampled(pid, work) {
  const samples = { rss: [], ready: {}, loopP99: [] };
  let running = true;
  const sampler = (async () => {
    for (let i = 0; running; i++) {
      samples.rss.push(Math.round(rssMiB(pid)));
      const { status } = await call(undefined, 'GET', '/health/ready', '', undefined, 1000);
      samples.ready[status] = (samples.ready[status] ?? 0) + 1;
      if (i % 5 === 0) {
        const lag = await eventLoopP99Ms();
        if (lag !== null) samples.loopP99.push(Math.round(lag));
      }
      await sleep(1000);
    }
  })();
  const result = await work();
  running = false;
  await sampler;
  return { ...result, rssMiB: { first: samples.rss[0], max: Math.max(...samples.rss), last: samples.rss.at(-1) }, ready: samples.ready, eventLoopP99Ms: samples.loopP99 };
}

/** Open loop at `rate` for `seconds`: at most `cap` in flight, a request due past it is `notSent`. */
async function openLoop(rate, seconds, nextRequest, cap = CONNECTIONS) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: cap });
  const latencies = [];
  const statuses = {};
  let inFlight = 0;
  let notSent = 0;
  let valid = 0;
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const pending = new Set();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      for (; sent < total && started + (sent * 1000) / rate <= now; sent++) {
        const due = started + (sent * 1000) / rate;
        if (inFlight >= cap) {
          notSent++;
          continue;
        }
        inFlight++;
        const { method, path, token, body } = nextRequest(sent);
        const p = call(agent, method, path, token, body).then(({ status, text }) => {
          inFlight--;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 200 || status === 201) latencies.push(performance.now() - due);
          if (status === 200 && text.startsWith('{"valid":true')) valid++;
          pending.delete(p);
        });
        pending.add(p);
      }
      if (sent === total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const ms = (p) => Math.round(percentile(latencies, p) * 10) / 10;
  const seconds_ = (performance.now() - started) / 1000;
  return { offered: rate, answeredOkPerS: Math.round(latencies.length / seconds_), p50: ms(50), p99: ms(99), max: ms(100), statuses, notSent, valid };
}

function keyUsedCount() {
  const db = new Database(join(DATA_DIR, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'KeyUsed'").get().n;
  } finally {
    db.close();
  }
}

async function settledKeyUsed() {
  let previous = -1;
  for (let i = 0; i < 120; i++) {
    await sleep(1000);
    const now = keyUsedCount();
    if (now === previous) return now;
    previous = now;
  }
  return previous;
}

async function capacity(keys) {
  let i = 0;
  const result = await autocannon({
    url: `${base}/v1/keys/verify`,
    method: 'POST',
    connections: 50,
    duration: 20,
    headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ key: keys[i++ % keys.length].key }) }) }],
  });
  return { reqPerS: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

async function overload(child, adminKey) {
  const keys = await seed(adminKey, KEYS, 'acme');
  await sleep(3000);
  const cap = GIVEN_CAPACITY > 0 ? { reqPerS: GIVEN_CAPACITY, given: true } : await capacity(keys);
  log(`capacity ${JSON.stringify(cap)} (load ${loadAverage()})`);
  console.log(JSON.stringify({ step: 'capacity', ...cap, load: loadAverage() }));
  const verify = (i) => ({ method: 'POST', path: '/v1/keys/verify', token: VERIFY_TOKEN, body: { key: keys[i % keys.length].key } });
  const steps = [0.5, ...FACTORS, 0.5];
  for (const factor of steps) {
    await settledKeyUsed();
    const before = keyUsedCount();
    // Requests dropped unserved because their client had left (null before the service counted them).
    const droppedBefore = await metric('parsesphere_http_requests_dropped_total');
    const loadBefore = loadAverage();
    const seconds = factor === 0.5 ? Math.min(SECONDS, 30) : SECONDS;
    log(`verify at ${factor} × capacity (${Math.round(factor * cap.reqPerS)}/s) for ${seconds} s`);
    const result = await sampled(child.pid, () => openLoop(Math.round(factor * cap.reqPerS), seconds, verify));
    const recorded = (await settledKeyUsed()) - before;
    const droppedAfter = await metric('parsesphere_http_requests_dropped_total');
    const dropped = droppedAfter === null ? null : droppedAfter - droppedBefore;
    // Every key is valid: a use recorded beyond the valid answers received was served to a client that had left.
    console.log(JSON.stringify({ step: `${factor}x`, ...result, keyUsedRecorded: recorded, servedAfterClientLeft: recorded - result.valid, dropped, loadBefore, loadAfter: loadAverage() }));
  }
}

async function neighbour(seeding, adminKey) {
  // The noisy account's admin key is its busy key: every request of the noisy account is a use in its history.
  const { key: noisyAdmin, id: busyKeyId } = cli('create-key', '--account', 'noisy', '--name', 'noisy-admin', '--rate-limit', '1000000/1');
  await sleep(1000);
  const quietKeys = await seed(adminKey, 100, 'acme');
  await seed(noisyAdmin, KEYS, 'noisy');
  const stopped = new Promise((resolve) => seeding.once('exit', resolve));
  seeding.kill('SIGTERM');
  await stopped;
  // The phases with the account limit as OVERLOAD_ACCOUNT_LIMIT=1 asks (ACCOUNT_RATE_LIMIT_REQUESTS, default 100 a second).
  const child = startService(process.env.OVERLOAD_ACCOUNT_LIMIT === '1');
  children.push(child);
  await ready();
  const quiet = () => {
    const verifies = openLoop(QUIET_RATE, SECONDS, (i) => ({ method: 'POST', path: '/v1/keys/verify', token: VERIFY_TOKEN, body: { key: quietKeys[i % quietKeys.length].key } }), 64);
    const lists = openLoop(10, SECONDS, () => ({ method: 'GET', path: '/v1/api-keys?limit=20', token: adminKey }), 16);
    return Promise.all([verifies, lists]).then(([verify, list]) => ({ verify, list }));
  };
  const noisy = async (until) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: NOISY_IN_FLIGHT });
    const statuses = {};
    let n = 0;
    await Promise.all(
      Array.from({ length: NOISY_IN_FLIGHT }, async (_, w) => {
        let cursor = null;
        while (Date.now() < until) {
          const kind = n++ % 10;
          let answer;
          if (kind < 6) {
            answer = await call(agent, 'GET', `/v1/api-keys?limit=100${cursor ? `&starting_after=${cursor}` : ''}`, noisyAdmin);
            const page = answer.status === 200 ? JSON.parse(answer.text) : null;
            cursor = page?.has_more ? page.data.at(-1).id : null;
          } else if (kind < 8) answer = await call(agent, 'GET', `/v1/api-keys/${busyKeyId}/events?limit=100`, noisyAdmin);
          else {
            answer = await call(agent, 'POST', '/v1/api-keys', noisyAdmin, { name: `loop-${w}-${n}` });
            if (answer.status === 201) await call(agent, 'DELETE', `/v1/api-keys/${JSON.parse(answer.text).id}`, noisyAdmin);
          }
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (answer.status === 429) await sleep(Number(answer.headers?.['retry-after'] ?? 1) * 1000);
        }
      }),
    );
    agent.destroy();
    return statuses;
  };
  for (const phase of ['alone', 'with noisy neighbour', 'alone again']) {
    const loadBefore = loadAverage();
    log(`quiet account ${phase}`);
    const noisyRun = phase === 'with noisy neighbour' ? noisy(Date.now() + SECONDS * 1000) : Promise.resolve(null);
    const result = await sampled(child.pid, quiet);
    console.log(JSON.stringify({ step: phase, ...result, noisyStatuses: await noisyRun, loadBefore, loadAfter: loadAverage() }));
    await sleep(5000);
  }
}

mkdirSync(DATA_DIR, { recursive: true });
const adminKey = cli('create-key', '--account', 'acme', '--name', 'admin', '--rate-limit', '1000000/1').key;
const children = [startService()];
try {
  await ready();
  await (NEIGHBOUR ? neighbour(children[0], adminKey) : overload(children[0], adminKey));
} finally {
  for (const child of children) child.kill('SIGTERM');
}
