import { AlertWebhookDelivery, type AlertWebhookOptions } from '../../src/anomalies/delivery/alert-webhook.projection.js';
import { InMemoryCheckpointStore } from '../../src/infrastructure/in-memory/in-memory-checkpoint-store.js';
import { WEBHOOK_SIGNATURE_HEADER } from '../../src/anomalies/delivery/webhook-signature.js';
import { ANOMALY_DETECTED, type AnomalyDetectedData, anomalyStreamId } from '../../src/anomalies/domain/anomaly.js';
import { InMemoryEventStore } from '../../src/infrastructure/in-memory/in-memory-event-store.js';
import { ProjectionRunner } from '../../src/shared/projections/projection-runner.js';
import { eventually } from '../support/eventually.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Alert delivery end to end, without Nest: the in-memory event store, the ProjectionRunner and
 * AlertWebhookDelivery posting over loopback to a real HTTP receiver that fails on command.
 */
const SECRET = 'whsec_e2e_alert_webhook_secret_0123456789';

const alertId = (n: number) => `rate_spike:key-${n}:2025-06-01T10:00:00.000Z`;

async function appendAlert(store: InMemoryEventStore, n: number): Promise<number> {
  const data: AnomalyDetectedData = {
    alertId: alertId(n),
    rule: 'rate_spike',
    keyId: `key-${n}`,
    accountId: 'acme',
    ip: null,
    evidence: { requests: 1000 + n, baseline: 20 },
    windowStart: '2025-06-01T10:00:00.000Z',
    windowEnd: '2025-06-01T10:05:00.000Z',
    detectedAt: '2025-06-01T10:04:00.000Z',
  };
  const { position } = await store.appendToStream(
    anomalyStreamId(data.alertId),
    [{ type: ANOMALY_DETECTED, schemaVersion: 1, data: data as unknown as Record<string, unknown>, metadata: { requestId: 'req-internal' } }],
    'no_stream',
  );
  return position;
}

async function appendUnrelated(store: InMemoryEventStore, n: number): Promise<void> {
  await store.appendToStream(`api_key-${n}`, [{ type: 'KeyCreated', schemaVersion: 1, data: { keyId: `key-${n}` } }], 'no_stream');
}

const options = (url: string, logs: string[], timeoutMs = 2000): AlertWebhookOptions => ({
  url,
  secret: SECRET,
  timeoutMs,
  retry: { minMs: 10, maxMs: 40, maxAttemptsPerBatch: 3 },
  onLog: (level, message) => logs.push(`${level} ${message}`),
});

const runnerOptions = (logs: string[]) => ({ retryMinMs: 20, retryMaxMs: 100, onLog: (level: string, message: string) => logs.push(`${level} ${message}`) });

/** Once the receiver has acknowledged an alert id it never sees that id again. */
function expectNoRedeliveryAfterAck(receiver: WebhookReceiver): void {
  const acknowledged = new Set<string | null>();
  for (const request of receiver.requests) {
    expect(acknowledged.has(request.id)).toBe(false);
    if (request.status === 200) acknowledged.add(request.id);
  }
}

describe('alert webhook delivery (event store → ProjectionRunner → HTTP receiver)', () => {
  it('delivers every alert once, signed and in order, and loses nothing while the receiver fails or is down', async () => {
    const store = new InMemoryEventStore();
    const receiver = await WebhookReceiver.start(SECRET);
    const checkpoints = new InMemoryCheckpointStore();
    const logs: string[] = [];
    let delivery = new AlertWebhookDelivery(options(receiver.url, logs), checkpoints);
    let runner = new ProjectionRunner(store, delivery, runnerOptions(logs));
    try {
      await runner.start();

      // 1. Three alerts, among unrelated events: each delivered once, in order, correctly signed.
      await appendUnrelated(store, 100);
      await appendAlert(store, 1);
      await appendAlert(store, 2);
      await appendUnrelated(store, 101);
      const third = await appendAlert(store, 3);
      await eventually(() => expect(receiver.acceptedIds()).toEqual([alertId(1), alertId(2), alertId(3)]));
      expect(receiver.requests).toHaveLength(3);
      for (const request of receiver.requests) {
        expect(request.signatureValid).toBe(true);
        expect(request.method).toBe('POST');
        expect(request.path).toBe('/hooks/parsesphere');
        expect(request.headers['content-type']).toBe('application/json');
        expect(request.headers['idempotency-key']).toBe(request.id);
        expect(request.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        const body = JSON.parse(request.rawBody);
        expect(Object.keys(body).sort()).toEqual(['created_at', 'data', 'id', 'schema_version', 'type']);
        expect(body.type).toBe('anomaly.detected');
        expect(body.schema_version).toBe(1);
        expect(request.headers['parsesphere-webhook-attempt']).toBe('1');
        expect(Object.keys(body.data).sort()).toEqual(['account_id', 'evidence', 'ip', 'key_id', 'rule', 'window_end', 'window_start']);
        expect(request.rawBody).not.toContain('req-internal');
      }
      await eventually(async () => expect(await checkpoints.get('alert-webhook')).toBeGreaterThanOrEqual(third));

      // 2. The receiver answers 503 to the next 8 requests: with 3 attempts per batch, handle() gives up
      //    twice and the runner resubscribes from the checkpoint; then both alerts arrive, once, in order.
      receiver.failNext(8, 503);
      await appendAlert(store, 4);
      const fifth = await appendAlert(store, 5);
      await eventually(() => expect(receiver.acceptedIds()).toEqual([1, 2, 3, 4, 5].map(alertId)), 10_000);
      const failed = receiver.requests.filter((r) => r.status === 503);
      expect(failed).toHaveLength(8);
      expect(new Set(failed.map((r) => r.id))).toEqual(new Set([alertId(4)])); // alert 5 waited behind 4
      // Counted on across the batches that gave up: the receiver sees which retry each request is.
      expect(receiver.requests.filter((r) => r.id === alertId(4)).map((r) => r.headers['parsesphere-webhook-attempt'])).toEqual(
        ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
      );
      expect(logs.filter((l) => l.includes('Projection alert-webhook failed'))).toHaveLength(2);
      await runner.waitUntilProcessed(fifth, 5000);
      expect(runner.status()).toMatchObject({ running: true, lastError: null });

      // 3. The receiver goes down (connections refused): the alert waits in the log and arrives after it is back.
      await receiver.down();
      await appendAlert(store, 6);
      await eventually(() => expect(runner.status().lastError).toMatch(/Alert .* not delivered after \d+ attempt\(s\) \(last: network error/));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.acceptedIds()).toHaveLength(5);
      await receiver.up();
      await eventually(() => expect(receiver.acceptedIds()).toEqual([1, 2, 3, 4, 5, 6].map(alertId)), 10_000);

      // 4. A graceful restart (stop as soon as the receiver has acknowledged alert 6, possibly before the
      //    answer is processed) resumes from the checkpoint: nothing is sent again, the next alert goes out once.
      delivery.stop();
      await runner.stop();
      delivery = new AlertWebhookDelivery(options(receiver.url, logs), checkpoints);
      runner = new ProjectionRunner(store, delivery, runnerOptions(logs));
      await runner.start();
      const seventh = await appendAlert(store, 7);
      await runner.waitUntilProcessed(seventh, 5000);
      expect(receiver.acceptedIds()).toEqual([1, 2, 3, 4, 5, 6, 7].map(alertId));

      // Never a duplicate: each alert acknowledged once, and never sent again after its acknowledgement.
      expect(receiver.requests.every((r) => r.signatureValid)).toBe(true);
      expectNoRedeliveryAfterAck(receiver);
      expect(logs.join('\n')).not.toContain(SECRET);
    } finally {
      delivery.stop();
      await runner.stop();
      await receiver.close();
    }
  });

  it('times out a receiver that never answers and re-sends the same alert id (receivers dedupe on it)', async () => {
    const store = new InMemoryEventStore();
    const receiver = await WebhookReceiver.start(SECRET);
    const checkpoints = new InMemoryCheckpointStore();
    const logs: string[] = [];
    const delivery = new AlertWebhookDelivery(options(receiver.url, logs, 400), checkpoints);
    const runner = new ProjectionRunner(store, delivery, runnerOptions(logs));
    try {
      await runner.start();
      receiver.holdNext(1);
      const position = await appendAlert(store, 1);
      await runner.waitUntilProcessed(position, 5000);
      // The held request may have been processed by the receiver: at-least-once, same id and body.
      expect(receiver.requests.map((r) => [r.id, r.status])).toEqual([
        [alertId(1), null],
        [alertId(1), 200],
      ]);
      expect(receiver.requests[0].rawBody).toBe(receiver.requests[1].rawBody);
      expect(receiver.requests[0].headers['idempotency-key']).toBe(receiver.requests[1].headers['idempotency-key']);
      expect(logs).toContain(`warn Alert ${alertId(1)} attempt 1 failed (timed out after 400 ms); retrying in 10 ms`);
    } finally {
      delivery.stop();
      await runner.stop();
      await receiver.close();
    }
  });
});
