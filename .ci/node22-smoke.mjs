// The Node 22 smoke (.ci/node22.sh runs it with Node 22, on a copy of the app whose better-sqlite3 was built for it):
// what differs between Node versions and the suite (on CI's Node 20) cannot see. better-sqlite3 loads; the CLI
// runs, fails cleanly (MongoDB unreachable) and, when a command can never finish, says only its own line (on Node 22
// a top-level await in the entry added "Warning: Detected unsettled top-level await" and the source line: 9e35364);
// a service on the embedded store creates, verifies and revokes a key, then stops on SIGTERM.
//   node .ci/node22-smoke.mjs <app dir: package.json, dist/, node_modules/>
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const app = resolve(process.argv[2] ?? '.');
const dataDir = mkdtempSync(join(tmpdir(), 'node22-smoke-'));
// The embedded store only: CI exports MONGODB_URL and REDIS_URL for the suite.
const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_FORMAT: 'json', LOG_LEVEL: 'log' };
let failures = 0;

function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `: ${detail}`}`);
  if (!ok) failures++;
}

function run(args, extraEnv = {}, nodeOptions = []) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...nodeOptions, join(app, 'dist/cli.js'), ...args], {
      env: { ...env, ...extraEnv },
      timeout: 60_000, // a command that hangs fails its check
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

// The CLI's own stderr lines start so; Node's ("Warning: …", "(node:123) …", a source line, a caret) do not.
const foreignLines = (stderr) => stderr.split('\n').filter((line) => line !== '' && !/^(error|warning|warn): /.test(line));

const freePort = () =>
  new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

async function smokeStore() {
  const Database = createRequire(join(app, 'package.json'))('better-sqlite3');
  const db = new Database(':memory:');
  const { version } = db.prepare('select sqlite_version() as version').get();
  db.close();
  check(`node ${process.version}: better-sqlite3 loads (SQLite ${version})`, process.versions.node.startsWith('22.'), 'not Node 22');
}

async function smokeCli() {
  const help = await run(['--help']);
  check('cli --help', help.code === 0 && help.stderr === '' && help.stdout.includes('create-key'), JSON.stringify(help));
  const created = await run(['create-key', '--account', 'smoke', '--name', 'smoke-cli', '--json']);
  const key = created.code === 0 ? JSON.parse(created.stdout) : {};
  const foreign = foreignLines(created.stderr);
  check('cli create-key', key.key?.startsWith('sk_') && foreign.length === 0, `${created.code} ${foreign.join(' | ')}`);
  const listed = await run(['list', '--account', 'smoke', '--json']);
  check('cli list', listed.code === 0 && listed.stdout.includes(key.id) && listed.stderr === '', JSON.stringify(listed));
  const mongo = await run(['list', '--account', 'smoke'], { MONGODB_URL: `mongodb://127.0.0.1:${await freePort()}/` });
  check(
    'cli with MongoDB unreachable: exit 75 (try again later), one line',
    mongo.code === 75 && /^error: MongoDB is unavailable: [^\n]*\n$/.test(mongo.stderr),
    JSON.stringify(mongo),
  );
  // A command that can never finish: here its stdout never takes the new key (writes are dropped, their callbacks
  // never called), as a store's close that never completes would. The CLI's line alone, nothing of Node's.
  const stalled = await run(['create-key', '--account', 'smoke', '--name', 'stalled'], {}, [
    '--import=data:text/javascript,process.stdout.write=()=>true',
  ]);
  check(
    'cli command that never finishes: exit 1, its own line alone',
    stalled.code === 1 && /^error: \S+ stopped before it finished[^\n]*\n$/.test(stalled.stderr),
    JSON.stringify(stalled),
  );
  return key;
}

async function smokeService(adminKey) {
  const port = await freePort();
  const verifyToken = 'node22-smoke-verify-token-0123456789abcdef';
  const service = spawn(process.execPath, [join(app, 'dist/main.js')], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', VERIFY_TOKEN: verifyToken },
  });
  let log = '';
  service.stdout.on('data', (chunk) => (log += chunk));
  service.stderr.on('data', (chunk) => (log += chunk));
  const exited = new Promise((done) => service.on('exit', (code, signal) => done({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  try {
    const started = Date.now();
    let ready = false;
    while (!ready && Date.now() - started < 60_000 && service.exitCode === null) {
      ready = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false);
      if (!ready) await new Promise((r) => setTimeout(r, 200));
    }
    check(`service ready in ${Date.now() - started} ms`, ready, log.slice(-2000));
    if (!ready) return;
    const call = (method, path, token, body) =>
      fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000), // a request that hangs fails its check, not the whole CI by its timeout
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const verify = (key) => call('POST', '/v1/keys/verify', verifyToken, { key }).then((r) => r.body);
    const created = await call('POST', '/v1/api-keys', adminKey.key, { name: 'smoke-api' });
    check('service creates a key (the CLI\'s key authenticates)', created.status === 201, JSON.stringify(created));
    const valid = await verify(created.body.key);
    check('service verifies it', valid.valid === true && valid.key_id === created.body.id, JSON.stringify(valid));
    const revoked = await call('DELETE', `/v1/api-keys/${created.body.id}`, adminKey.key);
    check('service revokes it', revoked.status === 200, JSON.stringify(revoked));
    const refused = await verify(created.body.key);
    check('service refuses it revoked', refused.valid === false && refused.code === 'REVOKED', JSON.stringify(refused));
    const shown = await run(['show', created.body.id, '--json']);
    check('cli sees the revocation in the log', shown.code === 0 && JSON.parse(shown.stdout).status === 'revoked', JSON.stringify(shown));
  } finally {
    service.kill('SIGTERM');
    const timer = setTimeout(() => service.kill('SIGKILL'), 30_000);
    const end = await exited;
    clearTimeout(timer);
    // Ends by the signal it received, every line of its log JSON: no warning of Node's among them.
    const foreign = log.split('\n').filter((line) => line !== '' && !line.startsWith('{'));
    check('service stops on SIGTERM', end.signal === 'SIGTERM' && /"msg":"stopped"/.test(log), `${JSON.stringify(end)} ${log.slice(-1000)}`);
    check('service log: JSON lines only', foreign.length === 0, foreign.join(' | '));
  }
}

try {
  await smokeStore();
  await smokeService(await smokeCli());
} catch (error) {
  check('smoke', false, error.stack);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
process.exitCode = failures === 0 ? 0 : 1;
