import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { Environment } from '../../../shared/config/environment.js';
import { type CounterSeries, Metrics } from '../../../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../../../shared/metrics/no-metrics.js';
import { VERIFY_REFUSAL_CODES } from './verify-api-key.dto.js';

/**
 * What a verify request came to: the answer's code (VALID when valid), or, when the request itself was
 * refused, UNAUTHENTICATED (no or wrong service credential), THROTTLED (the caller's address is over its
 * failed-authentication allowance), INVALID_REQUEST (an unreadable body), CLIENT_CLOSED (the caller went away
 * before it was answered, as a gateway past its own deadline does), CHANGED_BY_NEWER_VERSION (a 503: the key has an
 * event this version cannot read), ERROR (a failure of ours).
 */
export const VERIFY_OUTCOMES = [
  'VALID',
  ...VERIFY_REFUSAL_CODES,
  'UNAUTHENTICATED',
  'THROTTLED',
  'INVALID_REQUEST',
  'CLIENT_CLOSED',
  'CHANGED_BY_NEWER_VERSION',
  'ERROR',
] as const;
export type VerifyOutcome = (typeof VERIFY_OUTCOMES)[number];

/**
 * The verify route's counts by outcome. Counting is one addition, so the route can afford it on every
 * request; a line per request it cannot (or the gateways' traffic would be the log), so the counts are
 * logged as one summary line every VERIFY_LOG_SUMMARY_SECONDS, when there was any traffic.
 */
@Injectable()
export class VerifyOutcomes implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('VerifyApiKey');
  private readonly series: Record<VerifyOutcome, CounterSeries>;
  private readonly failuresWithoutClient: CounterSeries;
  private readonly logged = new Map<VerifyOutcome, number>();
  private readonly summaryMs: number;
  private timer: NodeJS.Timeout | null = null;
  /** Monotonic: a wall-clock step within a summary's interval made its `seconds` wrong (negative after a step back). */
  private since = performance.now();

  constructor(@Inject(Environment) config: Environment, @Optional() @Inject(Metrics) metrics: Metrics = NO_METRICS) {
    const counter = metrics.counter({
      name: 'parsesphere_verify_outcomes_total',
      help: 'POST /v1/keys/verify requests by outcome: the code answered (VALID when valid), or why the request was refused.',
      labelNames: ['code'],
    });
    this.series = Object.fromEntries(VERIFY_OUTCOMES.map((code) => [code, counter.series({ code })])) as Record<VerifyOutcome, CounterSeries>;
    this.failuresWithoutClient = metrics
      .counter({
        name: 'parsesphere_verify_failures_without_client_ip_total',
        help: 'Failed verifications sent without context.ip: the failed-authentication guard cannot count them against anyone, nor failed_auth_burst against an address (a known key\'s refusals still count on the key).',
      })
      .series({});
    this.summaryMs = config.VERIFY_LOG_SUMMARY_SECONDS * 1000;
  }

  /** A failed verification no address is known for: counted here only, never against the gateway's own address. */
  countFailureWithoutClient(): void {
    this.failuresWithoutClient.inc();
  }

  count(outcome: VerifyOutcome): void {
    this.series[outcome].inc();
  }

  onApplicationBootstrap(): void {
    this.since = performance.now();
    this.timer = setInterval(() => this.logSummary(), this.summaryMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.logSummary();
  }

  /** Logs what was counted since the last summary; nothing when there was no request. */
  logSummary(): void {
    const outcomes: Partial<Record<VerifyOutcome, number>> = {};
    let total = 0;
    for (const code of VERIFY_OUTCOMES) {
      const value = this.series[code].value;
      const count = value - (this.logged.get(code) ?? 0);
      this.logged.set(code, value);
      if (count > 0) outcomes[code] = count;
      total += count;
    }
    const now = performance.now();
    const seconds = Math.round((now - this.since) / 100) / 10;
    this.since = now;
    if (total > 0) this.logger.log({ msg: 'verify summary', route: 'POST /v1/keys/verify', seconds, total, outcomes });
  }
}
