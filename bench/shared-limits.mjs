// node bench/shared-limits.mjs (after a build): what sharing the rate limits in Redis costs the verify hot path.
//
// One instance of dist/main.js at a time on a fresh embedded log: without REDIS_URL (limits in process) and with
// it (one EVALSHA of the GCRA script per verify), each loaded like bench/run.mjs loads verify (autocannon, closed
// loop), alternating with the bare node:http floor (bench/floor-server.mjs) so each ratio compares runs made
// minutes apart on the same machine. Reports req/s, p99 and verify/floor for both, and their quotient
// (target: with Redis >= 0.9 x without), for the exact path and for leases (RATE_LIMIT_LEASE_MS=BENCH_LEASE_MS, 5).
// Redis: REDIS_URL, or a redis-server of its own.
//
// Env: BENCH_SECONDS (8) per run, BENCH_ROUNDS (2), BENCH_CONNECTIONS (50).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { freePort, HOST, median, ROOT } from './lib/common.mjs';
import { startRedis } from './lib/redis.mjs';

const VERIFY_TOKEN = 'bench-shared-limits-verify-token-0123456789';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LEASE_MS = Number(process.env.BENCH_LEASE_MS ?? 5);
const log = (message) => process.stderr.write(`[bench:shared-limits] ${message}\n`);
const children = [];
process.on('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));

async function waitFor(url) {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer`);
}

async function startService(dataDir, redisUrl, leaseMs = 0) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist/main.js')], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ACCOUNT_RATE_LIMIT_REQUESTS: '1000000', DATA_DIR: dataDir, VERIFY_TOKEN, PORT: String(port), HOST, ...(redisUrl ? { REDIS_URL: redisUrl, RATE_LIMIT_LEASE_MS: String(leaseMs) } : {}) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://${HOST}:${port}`;
  await waitFor(`${url}/health`);
  return { url, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

async function startFloor() {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'bench/floor-server.mjs'), String(port)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.push(child);
  const url = `http://${HOST}:${port}`;
  await new Promise((resolve) => child.once('message', resolve));
  return { url, stop: () => child.kill('SIGTERM') };
}

function cannon(url, key) {
  return autocannon({
    url: `${url}/v1/keys/verify`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key, context: { ip: '203.0.113.7', method: 'POST', path: '/v1/parses', user_agent: 'bench' } }),
  }).then((result) => ({ rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx }));
}

async function main() {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'psk-bench-limits-'));
  const redis = await startRedis();
  try {
    const created = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'create-key', '--account', 'bench', '--rate-limit', '1000000/60'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATA_DIR: dataDir },
    });
    if (created.status !== 0) throw new Error(created.stderr);
    const { key } = JSON.parse(created.stdout);
    const runs = { inProcess: [], redis: [], leases: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['inProcess', 'redis', 'leases']) {
        const floor = await startFloor();
        const floorRun = await cannon(floor.url, key);
        floor.stop();
        const service = await startService(dataDir, mode === 'inProcess' ? null : redis.url, mode === 'leases' ? LEASE_MS : 0);
        await cannon(service.url, key).catch(() => undefined); // warm-up, same length
        const verifyRun = await cannon(service.url, key);
        await service.stop();
        runs[mode].push({ floor: floorRun, verify: verifyRun, ratio: verifyRun.rps / floorRun.rps });
        log(`round ${round + 1} ${mode}: verify ${Math.round(verifyRun.rps)} req/s (p99 ${verifyRun.p99} ms), floor ${Math.round(floorRun.rps)} req/s, ratio ${(verifyRun.rps / floorRun.rps).toFixed(3)}`);
      }
    }
    const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
    const inProcessRatio = mean(runs.inProcess.map((r) => r.ratio));
    const redisRatio = mean(runs.redis.map((r) => r.ratio));
    const leasesRatio = mean(runs.leases.map((r) => r.ratio));
    // Per round, each Redis mode against the in-process run of the same round: the quotient on a shared machine.
    const perRound = (mode) => runs[mode].map((r, i) => r.ratio / runs.inProcess[i].ratio);
    const lines = [
      `| limits | verify req/s | verify p99 ms | floor req/s | verify/floor |`,
      `|---|---|---|---|---|`,
      ...['inProcess', 'redis', 'leases'].map(
        (mode) =>
          `| ${{ inProcess: 'in process', redis: 'Redis, exact (EVALSHA per request)', leases: `Redis, leases of up to ${LEASE_MS} ms (RATE_LIMIT_LEASE_MS)` }[mode]} | ${Math.round(mean(runs[mode].map((r) => r.verify.rps)))} | ${mean(runs[mode].map((r) => r.verify.p99)).toFixed(1)} | ${Math.round(mean(runs[mode].map((r) => r.floor.rps)))} | ${mean(runs[mode].map((r) => r.ratio)).toFixed(3)} |`,
      ),
      '',
      `With Redis / without (target >= 0.9): exact ${(redisRatio / inProcessRatio).toFixed(3)} (per round ${perRound('redis').map((r) => r.toFixed(3)).join(', ')}; median ${median(perRound('redis')).toFixed(3)}), ` +
        `leases ${(leasesRatio / inProcessRatio).toFixed(3)} (per round ${perRound('leases').map((r) => r.toFixed(3)).join(', ')}; median ${median(perRound('leases')).toFixed(3)}).`,
      `Load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}. ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}; ${CONNECTIONS} connections, ${SECONDS} s runs, ${ROUNDS} rounds.`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    log(error.stack ?? String(error));
    process.exit(1);
  },
);
