import { constants } from 'node:os';

/** How long the process may take to end by the signal raised again before it ends by its exit status. */
const SIGNAL_IGNORED_AFTER_MS = 100;

/**
 * Ends the process by `signal`, raised again once its listeners are gone, so it ends the way it was asked to. As the
 * first process of a PID namespace (node as a container's CMD, as in the Dockerfile, or in a Kubernetes pod) the
 * kernel ignores a signal the process does not handle, its own included: the process then exits with
 * 128 + the signal's number (143 for SIGTERM), the status a shell reports for a process ended by it, rather than
 * going on while anything (a store's socket) keeps it alive.
 */
export function endBySignal(signal: NodeJS.Signals): void {
  process.kill(process.pid, signal);
  setTimeout(() => process.exit(128 + constants.signals[signal]), SIGNAL_IGNORED_AFTER_MS);
}
