// Verify's latency for a key while a batch job writes (creates keys through POST), against the same key idle.
//   node bench/verify-during-writes.mjs [<dist dir> ...]   (default: this checkout's dist/)
// Each dist dir in turn, BENCH_ROUNDS times (2), alternating: a fresh DATA_DIR, one key made with that build's CLI,
// the service started on a free port; then one verify at a time (5 ms apart) for 4 s idle, and the same for 6 s while
// BENCH_CREATES keys (4,000: longer than the 6 s on a quiet machine) are created with BENCH_IN_FLIGHT (50) in flight. Prints one JSON line per round, with
// the load average: run it on a quiet machine, or compare builds within one run. BENCH_PORT: the port (else a free one).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, HOST, intFromEnv, ROOT } from './lib/common.mjs';

const dists = process.argv.slice(2).map((dir) => resolve(dir));
if (dists.length === 0) dists.push(join(ROOT, 'dist'));
const rounds = intFromEnv('BENCH_ROUNDS', 2, 1, 20);
const creates = intFromEnv('BENCH_CREATES', 4000, 10, 100_000);
const inFlight = intFromEnv('BENCH_IN_FLIGHT', 50, 1, 1000);
const VERIFY_TOKEN = 'bench-verify-token-0123456789abcdef01';

function request(agent, port, method, path, token, body) {
  return new Promise((done) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const started = performance.now();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) };
    const req = http.request({ host: HOST, port, method, path, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode, ms: performance.now() - started }));
    });
    req.on('error', () => done({ status: 0, ms: performance.now() - started }));
    req.end(data);
  });
}

async function verifyFor(port, key, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  for (const end = Date.now() + seconds * 1000; Date.now() < end; ) {
    latencies.push((await request(agent, port, 'POST', '/v1/keys/verify', VERIFY_TOKEN, { key })).ms);
    await sleep(5);
  }
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1));
  return { verifies: latencies.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

async function createKeys(port, key) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  const statuses = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < creates) {
        const { status } = await request(agent, port, 'POST', '/v1/api-keys', key, { name: `batch-${next++}` });
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  agent.destroy();
  return { keysPerSecond: Math.round(creates / ((performance.now() - started) / 1000)), statuses };
}

async function round(dist) {
  const dataDir = mkdtempSync(join(tmpdir(), 'psk-bench-writes-'));
  // ACCOUNT_RATE_LIMIT_REQUESTS: the batch job is one account's, BENCH_IN_FLIGHT creations at once (set it to measure with the limit).
  const env = { ACCOUNT_RATE_LIMIT_REQUESTS: '1000000', ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', VERIFY_TOKEN };
  const made = execFileSync(process.execPath, [join(dist, 'cli.js'), 'create-key', '--account', 'bench', '--rate-limit', '1000000/1', '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const { key } = JSON.parse(made.toString());
  const port = process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : await freePort();
  const service = spawn(process.execPath, [join(dist, 'main.js')], { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
  try {
    for (let i = 0; ; i++) {
      if ((await request(undefined, port, 'GET', '/health/ready', key)).status === 200) break;
      if (i > 600) throw new Error('the service did not get ready in 60 s');
      await sleep(100);
    }
    const idle = await verifyFor(port, key, 4);
    const [duringWrites, writes] = await Promise.all([sleep(500).then(() => verifyFor(port, key, 6)), createKeys(port, key)]);
    return { dist, idle, duringWrites, writes, load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') };
  } finally {
    service.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (let r = 0; r < rounds; r++) for (const dist of dists) console.log(JSON.stringify(await round(dist)));
