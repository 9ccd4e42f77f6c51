import type { Logger } from 'pino';
import { endBySignal } from '../../shared/runtime/end-by-signal.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

let log: Logger | null = null;

function stopAtOnce(signal: NodeJS.Signals): void {
  releaseStopSignals();
  log?.info({ msg: 'stopping', signal, starting: true });
  log?.info({ msg: 'stopped', signal, durationMs: 0 });
  endBySignal(signal);
}

/**
 * From the first line of dist/main.js until the service's own stop takes the signals (the store wait's, then the
 * graceful stop's): a SIGTERM or SIGINT ends the process at once, by that signal, as nothing has been served yet.
 * Without a listener, Node's own handler raises the signal again, which the kernel ignores for the first process
 * of a PID namespace (the Docker image's CMD, a pod): the signal was lost, and the service loaded, started and
 * served until the engine's SIGKILL (a SIGTERM 3 s into a start, while its modules loaded: 4.5 s at load 18).
 */
export function holdStopSignals(): void {
  for (const signal of SIGNALS) process.on(signal, stopAtOnce);
}

/** Before another handler takes the signals: the one that would otherwise run beside it. */
export function releaseStopSignals(): void {
  for (const signal of SIGNALS) process.removeListener(signal, stopAtOnce);
}

/** Once the service's log exists: the stop at once logs `stopping` and `stopped`, as every stop does. */
export function logStopsAtStartTo(logger: Logger): void {
  log = logger;
}
