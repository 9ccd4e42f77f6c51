import { Inject, Injectable, Optional } from '@nestjs/common';
import { type CounterSeries, Metrics } from '../../../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../../../shared/metrics/no-metrics.js';
import { InvalidRequest, PayloadTooLarge, RateLimited, ServiceUnavailable, UnsupportedMediaType } from '../../../shared/application/errors.js';

/**
 * How a request to POST /v1/secret-scanning/reports ended. A refused report is a leaked key left working, so the
 * refusals a broken setup causes (keys_unavailable: the public keys unreadable, 503; unknown_key and bad_signature:
 * signed by no key of the document, 401) are told apart from a stranger's unsigned request.
 */
export const REPORTS_OUTCOMES = ['accepted', 'unsigned', 'unknown_key', 'bad_signature', 'keys_unavailable', 'rate_limited', 'invalid', 'failed'] as const;
export type ReportsOutcome = (typeof REPORTS_OUTCOMES)[number];

/** The outcome of a request that threw; the 401s are told apart where they are thrown (the error says nothing of which). */
export function refusalOutcome(error: unknown, unauthenticated: ReportsOutcome | null): ReportsOutcome {
  if (unauthenticated !== null) return unauthenticated;
  if (error instanceof ServiceUnavailable) return 'keys_unavailable';
  if (error instanceof RateLimited) return 'rate_limited';
  if (error instanceof InvalidRequest || error instanceof PayloadTooLarge || error instanceof UnsupportedMediaType) return 'invalid';
  return 'failed';
}

/** parsesphere_secret_scanning_reports_total: every series from the start at 0, labels the outcomes only. */
@Injectable()
export class SecretScanningMetrics {
  private readonly outcomes: ReadonlyMap<ReportsOutcome, CounterSeries>;

  constructor(@Optional() @Inject(Metrics) metrics: Metrics = NO_METRICS) {
    const requests = metrics.counter({
      name: 'parsesphere_secret_scanning_reports_total',
      help: `Requests to POST /v1/secret-scanning/reports, by outcome: ${REPORTS_OUTCOMES.join(', ')}. keys_unavailable, unknown_key and bad_signature are reports refused that a scanner retries while the leaked keys keep working.`,
      labelNames: ['outcome'],
    });
    this.outcomes = new Map(REPORTS_OUTCOMES.map((outcome) => [outcome, requests.series({ outcome })]));
  }

  counted(outcome: ReportsOutcome): void {
    this.outcomes.get(outcome)?.inc();
  }
}
