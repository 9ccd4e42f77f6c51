// `npm run bench:start`: how long an operator waits, on a current build. Each measure is taken
// BENCH_START_RUNS times (7), interleaved so a busy moment hits all of them alike, and reported as
// median [min-max] beside a bare `node -e 0` (what the machine's load adds to any process) and the load
// average. Targets (issue 13): `npm start` answers /health within 6 s, the CLI answers within 2 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { intFromEnv, log, median, ROOT } from './lib/common.mjs';

const runs = intFromEnv('BENCH_START_RUNS', 7, 1, 100);
const dataDir = mkdtempSync(join(os.tmpdir(), 'psk-bench-start-'));
const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
const cli = (args) => execFileSync(process.execPath, ['dist/cli.js', ...args], { cwd: ROOT, env, encoding: 'utf8' });
const { id } = JSON.parse(cli(['create-key', '--account', 'bench', '--name', 'start']));

/** Milliseconds a command takes to exit (status 0 required). */
const timed = (command, args) => () => {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  return performance.now() - started;
};

/** Milliseconds until /health answers, as printed by bench/start-to-health.mjs. */
const toHealth = (direct) => () => {
  const out = execFileSync(process.execPath, ['bench/start-to-health.mjs', ...(direct ? ['--direct'] : [])], { cwd: ROOT, env, encoding: 'utf8' });
  return Number(out.match(/^(\d+) ms/)[1]);
};

const measures = [
  ['node -e 0 (the machine)', timed(process.execPath, ['-e', '0']), null],
  ['npm start to /health', toHealth(false), 6000],
  ['node dist/main.js to /health', toHealth(true), null],
  ['npm run cli -- --help', timed('npm', ['run', 'cli', '--silent', '--', '--help']), 2000],
  ['npm run cli -- list --account bench', timed('npm', ['run', 'cli', '--silent', '--', 'list', '--account', 'bench']), 2000],
  ['npm run cli -- history <id>', timed('npm', ['run', 'cli', '--silent', '--', 'history', id]), 2000],
  ['node dist/cli.js history <id>', timed(process.execPath, ['dist/cli.js', 'history', id]), 2000],
];

const samples = measures.map(() => []);
const loadBefore = os.loadavg()[0];
try {
  for (let run = 1; run <= runs; run += 1) {
    log(`run ${run} of ${runs}`);
    measures.forEach(([, measure], index) => samples[index].push(measure()));
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const seconds = (ms) => (ms / 1000).toFixed(2);
console.log(`Start-up, ${runs} runs each, load average ${loadBefore.toFixed(2)} before and ${os.loadavg()[0].toFixed(2)} after, ${os.cpus().length} cores`);
console.log('| What | Median s | Min-max s | Target |');
console.log('|---|---|---|---|');
measures.forEach(([name, , target], index) => {
  const values = samples[index];
  const verdict = target === null ? '' : `${seconds(target)} s: ${median(values) <= target ? 'met' : 'NOT met'}`;
  console.log(`| ${name} | ${seconds(median(values))} | ${seconds(Math.min(...values))}-${seconds(Math.max(...values))} | ${verdict} |`);
});
