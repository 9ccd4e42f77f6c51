import pRetry from 'p-retry';
import { describeStartFailure } from './start-failure.js';
import type { StoreProbe } from './store-probes.js';

/** Where the wait stands, for the log and for the readiness answer served meanwhile. */
export interface StoreWait {
  readonly since: Date;
  /** How long the wait has lasted, on the monotonic clock (a wall clock stepped meanwhile does not count). */
  waitedMs: number;
  attempts: number;
  /** When the next attempt starts, while one is scheduled. */
  nextAttemptAt: Date | null;
  readonly stores: Record<string, { technology: string; status: 'up' | 'down'; error?: string }>;
}

export interface Backoff {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

/** Doubling from half a second to 15 s: a store back within a minute is seen within seconds, a long outage costs one probe per 15 s. */
export const STORE_BACKOFF: Backoff = { firstDelayMs: 500, maxDelayMs: 15_000 };

export class StoresUnreachable extends Error {
  constructor(readonly down: string[]) {
    super(`unreachable: ${down.join(', ')}`);
  }
}

/**
 * Checks every probe, all at once, until every store answers: retried forever with exponential backoff
 * (no jitter, so the log can say when the next attempt is). `onFailedAttempt` is told after each failed one.
 * Rejects only when `signal` aborts.
 */
export async function waitForStores(
  probes: readonly StoreProbe[],
  options: { backoff?: Backoff; signal?: AbortSignal; onFailedAttempt?(wait: StoreWait, retryInMs: number): void } = {},
): Promise<StoreWait> {
  const backoff = options.backoff ?? STORE_BACKOFF;
  const began = performance.now();
  const wait: StoreWait = {
    since: new Date(),
    waitedMs: 0,
    attempts: 0,
    nextAttemptAt: null,
    stores: Object.fromEntries(probes.map((probe) => [probe.name, { technology: probe.technology, status: 'down' as const }])),
  };
  await pRetry(
    async () => {
      wait.attempts += 1;
      wait.nextAttemptAt = null;
      const results = await Promise.allSettled(probes.map((probe) => probe.check()));
      probes.forEach((probe, index) => {
        const result = results[index];
        wait.stores[probe.name] =
          result.status === 'fulfilled'
            ? { technology: probe.technology, status: 'up' }
            : { technology: probe.technology, status: 'down', error: describeStartFailure(result.reason) };
      });
      wait.waitedMs = Math.round(performance.now() - began);
      const down = probes.filter((probe) => wait.stores[probe.name].status === 'down').map((probe) => probe.name);
      if (down.length > 0) throw new StoresUnreachable(down);
    },
    {
      retries: Number.POSITIVE_INFINITY,
      factor: 2,
      minTimeout: backoff.firstDelayMs,
      maxTimeout: backoff.maxDelayMs,
      randomize: false,
      signal: options.signal,
      onFailedAttempt: ({ attemptNumber }) => {
        const retryInMs = Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** (attemptNumber - 1));
        wait.nextAttemptAt = new Date(Date.now() + retryInMs);
        options.onFailedAttempt?.(wait, retryInMs);
      },
    },
  );
  return wait;
}
