import type { ProjectionDeclaration } from '../shared/projections/projection-declaration.js';
import { viewProjectionDeclaration } from '../shared/projections/view-projection-declaration.js';
import type { AnomaliesStorage } from './anomalies.storage.js';
import { ALERT_WEBHOOK_DELIVERY, AlertWebhookDelivery } from './delivery/alert-webhook.projection.js';
import { WEBHOOK_TIMEOUT_MS } from './delivery/webhook-request.js';
import { alertWebhookUrlIsCleartext, CLEARTEXT_WEBHOOK_WARNING } from '../shared/config/alert-webhook-url.js';
import {
  ANOMALY_DETECTOR,
  AnomalyDetectionProjection,
  DETECTOR_INPUT_TYPES,
  DETECTOR_SNAPSHOT_EVERY_MS,
  DETECTOR_TICK_EVERY_MS,
} from './detection/anomaly-detection.projection.js';
import { parseAnomalyThresholds } from './detection/parse-anomaly-thresholds.js';
import { ANOMALY_DETECTED } from './domain/anomaly.js';
import { alertProjection, alertProjectionWarning } from './projection/alert-projection.js';
import { errorMessage } from '../shared/runtime/error-message.js';
import { AnomaliesMetrics } from './metrics/anomalies-metrics.js';

/** Detection, the alerts view, and delivery of each alert to the configured webhook. */
export const anomaliesProjections: readonly ProjectionDeclaration<AnomaliesStorage>[] = [
  // Statistics, not a read model: on a shared store every instance's alert views trail alike, and no change waits for them.
  // An alert this version cannot read (a newer version's schema) is logged, once per version, as a warning.
  viewProjectionDeclaration(alertProjection, { runsOn: 'request-thread', role: 'statistics', warning: alertProjectionWarning }, (storage: AnomaliesStorage) =>
    storage.alertReadModel(),
  ),
  {
    name: ANOMALY_DETECTOR,
    eventTypes: DETECTOR_INPUT_TYPES,
    // It follows every use of every key: off the thread that answers requests.
    runsOn: 'projection-thread',
    role: 'background',
    // Its findings are events: a replay of the read models must not touch them.
    rebuiltByReplay: false,
    open: async ({ store, storage, config, log, publish }) =>
      new AnomalyDetectionProjection(store, parseAnomalyThresholds(config.ANOMALY_THRESHOLDS), await storage.detectorSnapshotStore(), {
        snapshotEveryMs: DETECTOR_SNAPSHOT_EVERY_MS,
        now: Date.now,
        onSnapshotError: (error) => log('warn', `Detector snapshot not saved: ${errorMessage(error)}`),
        onSkipped: (message) => log('warn', message),
        // An hour of address bursts no event closes is summarised by the clock: within BURST_HOUR_GRACE_MS plus this.
        tickEveryMs: DETECTOR_TICK_EVERY_MS,
        onTickError: (error) => log('warn', `Detector: the hour's burst summary not raised yet (${errorMessage(error)}); tried again in a minute`),
        // Only the rule crosses to the request thread, whose registry /metrics reads: no key id, account or address.
        onRecorded: ({ rule }) => publish(ANOMALY_DETECTOR, rule),
      }),
    onPublished: (rule, provided) => provided(AnomaliesMetrics).detected(rule as string),
  },
  {
    name: ALERT_WEBHOOK_DELIVERY,
    eventTypes: [ANOMALY_DETECTED],
    runsOn: 'request-thread',
    role: 'background',
    // Delivery is a side effect with its own checkpoint: a rebuild must never send an alert again.
    rebuiltByReplay: false,
    open: async ({ store, storage, config, log, provided }) => {
      const { ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: secret, ALERT_WEBHOOK_SECRET_PREVIOUS: previousSecret } = config;
      // The URL without the secret stops the start (environment.ts); the secret alone, most often the URL's name
      // mistyped, would otherwise deliver nothing without a word.
      if (secret && !url) log('warn', 'ALERT_WEBHOOK_SECRET is set without ALERT_WEBHOOK_URL: no alert is delivered');
      if (!url || !secret) return null;
      if (alertWebhookUrlIsCleartext(url)) log('warn', CLEARTEXT_WEBHOOK_WARNING);
      const metrics = provided(AnomaliesMetrics);
      const checkpoints = await storage.deliveryCheckpointStore();
      // The first time delivery is configured it starts at the end of the log: older alerts are not sent.
      if ((await checkpoints.get(ALERT_WEBHOOK_DELIVERY)) === null) {
        await checkpoints.save(ALERT_WEBHOOK_DELIVERY, (await store.headPosition()) ?? 0);
      }
      return new AlertWebhookDelivery(
        {
          url,
          secret,
          previousSecret,
          timeoutMs: WEBHOOK_TIMEOUT_MS, // not answered by then: counted as failed, and the alert sent again
          retry: { minMs: 500, maxMs: 30_000, maxAttemptsPerBatch: 5 },
          // Each failed attempt (warn) and a delivery after failures (log): alert id, attempt, status or error code.
          onLog: log,
          onAttempt: (outcome) => metrics.webhookAttempt(outcome),
        },
        checkpoints,
      );
    },
  },
];
