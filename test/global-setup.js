import { execFileSync } from 'node:child_process';

/** Builds dist/ once, for the suites that run the compiled service and CLI as real processes. */
export default function globalSetup() {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
