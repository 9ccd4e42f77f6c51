import type { Logger } from 'pino';
import type { Environment } from '../../shared/config/environment.js';
import { endBySignal } from '../../shared/runtime/end-by-signal.js';
import { storeDownLine } from './start-failure.js';
import { openStartingServer } from './starting-server.js';
import { networkStoreProbes } from './store-probes.js';
import { type Backoff, waitForStores } from './wait-for-stores.js';

export class CannotListen extends Error {
  constructor(override readonly cause: NodeJS.ErrnoException) {
    super(cause.message);
  }
}

/**
 * Before the service is built: every store behind a network connection must answer. A store that does not is
 * retried with backoff, one log line per attempt, while a starting server holds the port (see
 * openStartingServer). Resolves once every store answers, with the port free again for the service; a
 * SIGTERM or SIGINT meanwhile ends the process the way it was asked to. With every store up at the first
 * attempt (the usual case, and always with the embedded store) no starting server is opened at all.
 */
export async function waitForStoresAtStart(environment: Environment, logger: Logger, backoff?: Backoff): Promise<void> {
  const probes = networkStoreProbes(environment);
  if (probes.length === 0) return;
  const aborted = new AbortController();
  let starting = null as Promise<{ close(): Promise<void> }> | null;
  // Logged as any stop is (the Main log is written synchronously, so both lines are out before the end): until
  // 2026-12-07 a pod stopped while its MongoDB was down ended with 'store unreachable at start, retrying' as its last line.
  const stop = (signal: NodeJS.Signals) => {
    const signalled = performance.now();
    logger.info({ msg: 'stopping', signal, waitingForStores: true });
    aborted.abort();
    void (async () => {
      await (await starting?.catch(() => null))?.close();
      logger.info({ msg: 'stopped', signal, durationMs: Math.round(performance.now() - signalled) });
      endBySignal(signal);
    })();
  };
  const signals = ['SIGTERM', 'SIGINT'] as const;
  for (const signal of signals) process.once(signal, stop);
  try {
    const wait = await waitForStores(probes, {
      backoff,
      signal: aborted.signal,
      onFailedAttempt: (state, retryInMs) => {
        const down = Object.fromEntries(Object.entries(state.stores).flatMap(([name, store]) => (store.status === 'down' ? [[name, storeDownLine(store.technology, store.error)]] : [])));
        logger.warn({ msg: 'store unreachable at start, retrying', attempt: state.attempts, retry_in_ms: retryInMs, down });
        if (starting) return;
        starting = openStartingServer(environment, () => state);
        // A port that cannot be held is reported now, not after the stores come back.
        starting.catch((error: NodeJS.ErrnoException) => aborted.abort(new CannotListen(error)));
      },
    }).catch((error: unknown) => {
      if (aborted.signal.reason instanceof CannotListen) throw aborted.signal.reason;
      // Stopped by a signal: the process ends as soon as the starting server is closed.
      if (aborted.signal.aborted) return new Promise<never>(() => undefined);
      throw error;
    });
    if (wait.attempts > 1) {
      logger.info({ msg: 'stores reachable, starting', attempts: wait.attempts, waited_ms: wait.waitedMs });
    }
    await (await starting)?.close();
  } finally {
    for (const signal of signals) process.removeListener(signal, stop);
  }
}
