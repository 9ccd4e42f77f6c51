import { execFileSync } from 'node:child_process';

/**
 * Makes dist/ current once: the compiled service and CLI for the suites that run them as processes, the
 * dashboard for the browser suite. A build that is already current (after `npm ci`'s prepare) is not redone.
 */
export default function globalSetup() {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
}
