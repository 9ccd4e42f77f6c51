// `EVENTSTORE_URL=esdb://… npm run test:eventstore`: everything that can run against a real EventStoreDB server,
// in one command (docs/testing.md, "Against an EventStoreDB server"). The suites share the server's log and
// leave their events in it: point it at a throwaway server (a fresh container, or --mem-db).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The e2e suites whose assertions hold on a shared log: they look at the keys they created, by id. Left out:
 * suites that list or count an account's keys or alerts (they assume a log of their own: on a shared server
 * the same account names come back from other suites), and suites that read the embedded log files or run the
 * CLI and service processes on DATA_DIR alone.
 */
export const E2E_SUITES_ON_EVENTSTOREDB = [
  'test/e2e/verify.e2e-spec.ts',
  'test/e2e/verify.security.e2e-spec.ts',
  'test/e2e/get-api-key.security.e2e-spec.ts',
  'test/e2e/key-history.e2e-spec.ts',
  'test/e2e/key-history.security.e2e-spec.ts',
  'test/e2e/revoke-api-key.e2e-spec.ts',
  'test/e2e/revocation-across-instances.e2e-spec.ts',
  'test/e2e/read-your-writes.e2e-spec.ts',
  'test/e2e/rate-limits.e2e-spec.ts',
  'test/e2e/usage.e2e-spec.ts',
  'test/e2e/health.e2e-spec.ts',
];

const CONTRACT = 'test/contract/event-store.eventstoredb.contract-spec.ts';

if (!process.env.EVENTSTORE_URL) {
  process.stderr.write("test:eventstore runs against a real server: set EVENTSTORE_URL, e.g. EVENTSTORE_URL='esdb://localhost:2113?tls=false' npm run test:eventstore\n");
  process.exit(2);
}

const run = (command, args, env = {}) => {
  process.stdout.write(`\n> ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

// One jest run, in band: the suites share one log, and the default globalSetup builds dist/ once.
run('npx', ['jest', '--runInBand', CONTRACT, ...E2E_SUITES_ON_EVENTSTOREDB], {
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
  // test/support/test-app.ts gives the in-process service EVENTSTORE_URL only when this is set.
  E2E_EVENT_STORE: 'eventstoredb',
});

const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts ?? {};
if (scripts['bench:stores']) {
  run('npm', ['run', 'bench:stores']);
} else {
  process.stdout.write('\nNo stores bench in this checkout (npm run bench:stores): not run.\n');
}
