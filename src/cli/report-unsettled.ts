import { EXIT } from './exit-codes.js';
import { stdoutWritesPending } from './output.js';

/**
 * Node ends a process whose top-level await can no longer settle (nothing left to wait on, say a connection
 * whose close never completes, or a write stdout never says is done) with code 13 and nothing said. Until
 * `settled()` is called, an exit says that the command did not finish, and what it was waiting on when that is known
 * (stdout: a write of printOrFail's not done), with the failure code. Whatever the command printed before stays printed.
 * Until 2026-12-07 it blamed a store's connection also when it was stdout that never finished.
 */
export function reportIfUnsettled(program: string, pendingStdoutWrites: () => number = stdoutWritesPending): { settled(): void } {
  let settled = false;
  process.once('exit', () => {
    if (settled) return;
    const why = pendingStdoutWrites() > 0 ? 'stdout never finished taking what it was given' : 'something it waited on never finished, such as a store\'s connection closing';
    process.stderr.write(`error: ${program} stopped before it finished (${why}); what it printed stands, what it did not print is unknown\n`);
    process.exitCode = EXIT.failure;
  });
  return { settled: () => void (settled = true) };
}
