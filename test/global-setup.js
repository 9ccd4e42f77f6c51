import { execFileSync } from 'node:child_process';

/** Builds dist/ once: the compiled service and CLI for the suites that run them as processes, the dashboard for the browser suite. */
export default function globalSetup() {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build:dashboard'], { stdio: 'inherit' });
}
