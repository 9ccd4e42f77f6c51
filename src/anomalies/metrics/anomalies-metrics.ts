import { Inject, Injectable, Optional } from '@nestjs/common';
import { type CounterSeries, Metrics } from '../../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import { WEBHOOK_ATTEMPT_OUTCOMES, type WebhookAttemptOutcome } from '../delivery/alert-webhook.projection.js';
import { ANOMALY_RULES, type AnomalyRule } from '../domain/anomaly.js';

/**
 * The anomalies' counters, on the request thread. Every series exists from the start at 0 (a series that first
 * appears at 1 shows no increase to Prometheus, and an alert on it would miss the first failures). Labels are the
 * rule names and the outcomes only: never a key id, an account or an address.
 */
@Injectable()
export class AnomaliesMetrics {
  private readonly findings: ReadonlyMap<AnomalyRule, CounterSeries>;
  private readonly deliveries: ReadonlyMap<WebhookAttemptOutcome, CounterSeries>;

  constructor(@Optional() @Inject(Metrics) metrics: Metrics = NO_METRICS) {
    const detected = metrics.counter({
      name: 'parsesphere_anomalies_detected_total',
      help: `Anomaly findings this instance recorded (appended as AnomalyDetected), by rule: ${ANOMALY_RULES.join(', ')}. A finding detected again (a restart, a replay, another instance first) is not counted again.`,
      labelNames: ['rule'],
    });
    this.findings = new Map(ANOMALY_RULES.map((rule) => [rule, detected.series({ rule })]));
    const attempts = metrics.counter({
      name: 'parsesphere_alert_webhook_deliveries_total',
      help: `Attempts to POST an alert to ALERT_WEBHOOK_URL, by outcome: ${WEBHOOK_ATTEMPT_OUTCOMES.join(', ')}.`,
      labelNames: ['outcome'],
    });
    this.deliveries = new Map(WEBHOOK_ATTEMPT_OUTCOMES.map((outcome) => [outcome, attempts.series({ outcome })]));
  }

  /** One finding recorded; a rule this version does not know (never sent) is not counted under a new label. */
  detected(rule: string): void {
    this.findings.get(rule as AnomalyRule)?.inc();
  }

  webhookAttempt(outcome: WebhookAttemptOutcome): void {
    this.deliveries.get(outcome)?.inc();
  }
}
