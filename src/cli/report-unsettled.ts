import { EXIT } from './exit-codes.js';

/**
 * Node ends a process whose top-level await can no longer settle (nothing left to wait on, say a connection
 * whose close never completes) with code 13 and nothing said. Until `settled()` is called, an exit says that
 * the command did not finish, with the failure code. Whatever the command printed before stays printed.
 */
export function reportIfUnsettled(program: string): { settled(): void } {
  let settled = false;
  process.once('exit', () => {
    if (settled) return;
    process.stderr.write(`error: ${program} stopped before it finished (a store's connection never closed); what it printed stands, what it did not print is unknown\n`);
    process.exitCode = EXIT.failure;
  });
  return { settled: () => void (settled = true) };
}
