import type { CounterSeries } from '../../shared/metrics/metrics.port.js';

/** A line to log; `fields` go beside the message (the end of an outage: `downSeconds`). */
export type RedisLog = (level: 'warn' | 'log', message: string, fields?: Record<string, unknown>) => void;

/** Counted when Redis cannot answer: each outage once, and every request decided per instance meanwhile. */
export interface FallbackCounters {
  readonly fallbacks: CounterSeries;
  readonly perInstanceDecisions: CounterSeries;
}

export interface RedisRateLimitStoreOptions {
  now?: () => number;
  counters?: FallbackCounters;
  /**
   * 0 (the default): one exact GCRA step in Redis per request. Above 0: a subject whose limit accrues at least two
   * requests in that time is served from leases (rate-lease.ts), one round trip per lease instead of per request.
   */
  leaseMs?: number;
  /** What a reason must never show (REDIS_URL's user name and password). */
  secrets?: readonly string[];
  /** The longest this process's event loop was blocked lately, in ms (watchEventLoopStalls): what a timeout may owe to it. */
  recentLoopStallMs?: () => number;
}

/** The counters of a store given none: counted, read by nobody. */
export function uncountedFallbacks(): FallbackCounters {
  return { fallbacks: new Tally(), perInstanceDecisions: new Tally() };
}

class Tally implements CounterSeries {
  value = 0;

  inc(by = 1): void {
    this.value += by;
  }
}
