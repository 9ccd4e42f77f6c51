// npm run bench:cluster: how fast a revocation reaches every instance, measured from the clients' side.
//
// Starts three instances of dist/main.js on one embedded log (a temp DATA_DIR) sharing a Redis (REDIS_URL, or a
// redis-server of its own on a free port, no persistence), with MONGODB_URL as their read model when it is set.
// Keeps them under verify load (autocannon, in processes of its own, on a key of its own), then for each trial:
// probers hit every instance with back-to-back verifies of a victim key, the victim is revoked through one
// instance (in turn), and for each instance the propagation is the time from the DELETE's answer to the first
// refused (REVOKED) answer received from that instance (0 when it refused before the DELETE answered).
// Reports p50/p99/max for the serving instance and for the two others, and writes bench/results/cluster.{json,md}.
//
// The same is reported from the send time of that first refused request (a lower bound; the receive time is an
// upper bound: under load a response's own latency is part of it, as the serving instance's row shows).
//
// Env: BENCH_TRIALS (60), BENCH_LOAD_CONNECTIONS (4 per instance), BENCH_LOAD_RATE (300 verifies/s per instance,
//      open loop, so the instances are loaded but not saturated; 0: closed loop), BENCH_CLUSTER_REDIS (1; 0: no Redis, the
//      instances learn of appends by their poll, POLL_INTERVAL_MS, and by their own usage flushes).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, HOST, percentile, ROOT } from './lib/common.mjs';
import { startRedis } from './lib/redis.mjs';

const RESULTS_DIR = join(ROOT, 'bench', 'results');
const VERIFY_TOKEN = 'bench-cluster-verify-token-0123456789abcdef';
const TRIALS = Number(process.env.BENCH_TRIALS ?? 60);
const LOAD_CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 4);
const LOAD_RATE = Number(process.env.BENCH_LOAD_RATE ?? 300);
const WITH_REDIS = process.env.BENCH_CLUSTER_REDIS !== '0';
const TARGET_P99_MS = 50;

const log = (message) => process.stderr.write(`[bench:cluster] ${message}\n`);
const children = [];
process.on('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function call(url, method, path, { token, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${url}${path}`,
      {
        method,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function startInstance(env) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist/main.js')], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ACCOUNT_RATE_LIMIT_REQUESTS: '1000000', ...env, PORT: String(port), HOST },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://${HOST}:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await call(url, 'GET', '/health')).status === 200) return { url, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('instance did not start');
    await sleep(100);
  }
}

function startLoad(url, key) {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/autocannon/autocannon.js'),
      '-c', String(LOAD_CONNECTIONS), '-d', '3600', '-m', 'POST', ...(LOAD_RATE > 0 ? ['-R', String(LOAD_RATE)] : []),
      '-H', `authorization=Bearer ${VERIFY_TOKEN}`, '-H', 'content-type=application/json',
      '-b', JSON.stringify({ key }), `${url}/v1/keys/verify`,
    ],
    { stdio: 'ignore' },
  );
  children.push(child);
  return child;
}

const verify = (url, key) => call(url, 'POST', '/v1/keys/verify', { token: VERIFY_TOKEN, body: { key } });

/** Back-to-back verifies of `key` on one instance until it answers REVOKED; when that request was sent and answered. */
async function probeUntilRevoked(url, key, stop) {
  while (!stop.done) {
    const sentAt = performance.now();
    const answer = await verify(url, key);
    const receivedAt = performance.now();
    if (answer.body?.code === 'REVOKED') return { sentAt, receivedAt };
  }
  return null;
}

function distribution(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v) => (v === null || Number.isNaN(v) ? null : Math.round(v * 10) / 10);
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? null) };
}

async function main() {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'psk-bench-cluster-'));
  const redis = WITH_REDIS ? await startRedis() : null;
  try {
    const admin = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'create-key', '--account', 'bench', '--rate-limit', '1000000/60'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATA_DIR: dataDir },
    });
    if (admin.status !== 0) throw new Error(admin.stderr);
    const adminKey = JSON.parse(admin.stdout).key;
    const env = {
      DATA_DIR: dataDir,
      VERIFY_TOKEN,
      ...(redis ? { REDIS_URL: redis.url } : {}),
      ...(process.env.MONGODB_URL ? { MONGODB_URL: process.env.MONGODB_URL, MONGODB_DB: `bench_cluster_${Date.now()}` } : {}),
      ...(process.env.POLL_INTERVAL_MS ? { POLL_INTERVAL_MS: process.env.POLL_INTERVAL_MS } : {}),
    };
    log(`starting 3 instances (${redis ? `Redis ${redis.url}` : 'no Redis'}, read model ${process.env.MONGODB_URL ? 'MongoDB' : 'SQLite'})`);
    const instances = [];
    for (let i = 0; i < 3; i++) instances.push(await startInstance(env));

    const create = async (name) => {
      const res = await call(instances[0].url, 'POST', '/v1/api-keys', {
        token: adminKey,
        body: { name, rate_limit: { requests: 1_000_000, per_seconds: 60 } },
      });
      if (res.status !== 201) throw new Error(`create answered ${res.status}`);
      return res.body;
    };
    const loadKey = await create('load');
    const victims = [];
    for (let i = 0; i < TRIALS; i++) victims.push(await create(`victim-${i}`));
    // Every instance knows every victim before the trials (they learn of keys from the log too).
    for (const instance of instances) {
      for (;;) {
        const answers = await Promise.all([victims.at(-1), loadKey].map((k) => verify(instance.url, k.key)));
        if (answers.every((a) => a.body?.valid)) break;
        await sleep(20);
      }
    }
    const loads = instances.map((instance) => startLoad(instance.url, loadKey.key));
    await sleep(2000);

    const serving = [];
    const others = [];
    const servingSent = [];
    const othersSent = [];
    const confirmations = [];
    /** Every propagation over the target, with the trial and instance: tells one stalled instance from a slow path. */
    const slow = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const victim = victims[trial];
      const servedBy = trial % instances.length;
      const stop = { done: false };
      const probes = instances.map((instance) => probeUntilRevoked(instance.url, victim.key, stop));
      await sleep(20);
      const res = await call(instances[servedBy].url, 'DELETE', `/v1/api-keys/${victim.id}`, { token: adminKey });
      const answeredAt = performance.now();
      if (res.status !== 200) throw new Error(`DELETE answered ${res.status}`);
      if (res.body.revocation?.instances_live !== undefined) confirmations.push(res.body.revocation);
      const timeout = setTimeout(() => (stop.done = true), 5000);
      const refusedAt = await Promise.all(probes);
      clearTimeout(timeout);
      refusedAt.forEach((at, i) => {
        (i === servedBy ? serving : others).push(at === null ? 5000 : Math.max(0, at.receivedAt - answeredAt));
        (i === servedBy ? servingSent : othersSent).push(at === null ? 5000 : Math.max(0, at.sentAt - answeredAt));
        const received = at === null ? 5000 : at.receivedAt - answeredAt;
        if (received > TARGET_P99_MS) {
          slow.push({ trial, instance: i, serving: i === servedBy, received_ms: Math.round(received), sent_ms: at === null ? null : Math.round(at.sentAt - answeredAt) });
        }
      });
    }
    loads.forEach((load) => load.kill('SIGTERM'));

    const result = {
      at: new Date().toISOString(),
      redis: Boolean(redis),
      read_model: process.env.MONGODB_URL ? 'mongodb' : 'sqlite',
      trials: TRIALS,
      load_connections_per_instance: LOAD_CONNECTIONS,
      load_rate_per_instance: LOAD_RATE || 'closed loop',
      cpus: os.cpus().length,
      loadavg_1m: os.loadavg()[0],
      over_target: slow,
      serving_instance_ms: distribution(serving),
      other_instances_ms: distribution(others),
      all_instances_ms: distribution([...serving, ...others]),
      by_send_time: {
        serving_instance_ms: distribution(servingSent),
        other_instances_ms: distribution(othersSent),
        all_instances_ms: distribution([...servingSent, ...othersSent]),
      },
      target_p99_ms: TARGET_P99_MS,
      receipts_all_confirmed: confirmations.filter((r) => r.instances_confirmed === r.instances_live).length,
      receipts_with_confirmation: confirmations.length,
    };
    const md = [
      `## Revocation propagation, 3 instances, ${result.redis ? 'with Redis nudge' : 'without Redis (poll only)'}, ${result.read_model} read model`,
      '',
      `${TRIALS} revocations under verify load (${LOAD_CONNECTIONS} connections per instance, ${LOAD_RATE > 0 ? `${LOAD_RATE} req/s each` : 'closed loop'}); from the DELETE's answer to the first REVOKED answer received from each instance (and, in brackets, to when that refused request was sent). ${result.cpus} CPUs, load average ${result.loadavg_1m.toFixed(1)}.`,
      '',
      '| instances | n | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|',
      ...[
        ['serving', result.serving_instance_ms, result.by_send_time.serving_instance_ms],
        ['the two others', result.other_instances_ms, result.by_send_time.other_instances_ms],
        ['all', result.all_instances_ms, result.by_send_time.all_instances_ms],
      ].map(([name, d, s]) => `| ${name} | ${d.count} | ${d.p50} (${s.p50}) | ${d.p99} (${s.p99}) | ${d.max} (${s.max}) |`),
      '',
      `Target: p99 <= ${TARGET_P99_MS} ms on every instance: ${result.all_instances_ms.p99 <= TARGET_P99_MS ? 'met' : 'NOT met'}.`,
      ...(confirmations.length > 0
        ? ['', `Receipts: ${result.receipts_all_confirmed} of ${confirmations.length} had every other live instance confirm within 50 ms.`]
        : []),
      '',
    ].join('\n');
    mkdirSync(RESULTS_DIR, { recursive: true });
    const suffix = result.redis ? '' : '-no-redis';
    writeFileSync(join(RESULTS_DIR, `cluster${suffix}.json`), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, `cluster${suffix}.md`), md);
    process.stdout.write(md);
    for (const instance of instances) instance.child.kill('SIGTERM');
    await Promise.all(instances.map((instance) => new Promise((resolve) => (instance.child.exitCode !== null ? resolve() : instance.child.once('exit', resolve)))));
  } finally {
    await redis?.stop();
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
