import type { CounterSeries, Metrics } from '../../shared/metrics/metrics.port.js';
import { RATE_LIMIT_SHARING_MODES as MODES, type RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';

/** What the Redis store counts when it cannot share: outages begun, and the requests it decided alone meanwhile. */
export interface RateLimitFallbackCounters {
  readonly fallbacks: CounterSeries;
  readonly perInstanceDecisions: CounterSeries;
}

export function declareRateLimitFallbackCounters(metrics: Metrics): RateLimitFallbackCounters {
  return {
    fallbacks: metrics
      .counter({
        name: 'parsesphere_rate_limit_fallbacks_total',
        help: 'Times this instance stopped sharing rate limits because Redis could not answer, and counted them per instance instead.',
      })
      .series({}),
    perInstanceDecisions: metrics
      .counter({
        name: 'parsesphere_rate_limit_per_instance_decisions_total',
        help: 'Rate-limit decisions this instance made alone because Redis could not answer (0 while limits are shared).',
      })
      .series({}),
  };
}

/** One series per mode, 1 for the current one: `parsesphere_rate_limits_sharing{mode="per-instance"} == 1` is the alert. */
export function exposeRateLimitSharing(metrics: Metrics, store: RateLimitStore): void {
  metrics.gauge<'mode'>({
    name: 'parsesphere_rate_limits_sharing',
    help: 'How rate limits are counted right now, 1 for the current mode: shared (Redis), per-instance (Redis unavailable: each instance counts alone) or in-process (no REDIS_URL).',
    labelNames: ['mode'],
    read: () => {
      const current = store.sharing().mode;
      return MODES.map((mode) => ({ labels: { mode }, value: mode === current ? 1 : 0 }));
    },
  });
}
