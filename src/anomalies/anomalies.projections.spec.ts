import { InMemoryEventStore } from '../infrastructure/in-memory/in-memory-event-store.js';
import { InMemoryReadModelStorage } from '../infrastructure/in-memory/in-memory-read-model-storage.js';
import { loadEnvironment } from '../shared/config/environment.js';
import type { ProjectionContext, ProjectionLogLevel } from '../shared/projections/projection-declaration.js';
import { AnomaliesMetrics } from './metrics/anomalies-metrics.js';
import { WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { anomaliesProjections } from './anomalies.projections.js';
import { ALERT_WEBHOOK_DELIVERY } from './delivery/alert-webhook.projection.js';
import { ANOMALY_DETECTED, type AnomalyDetectedData } from './domain/anomaly.js';

const SECRET = 'webhook-secret-0123456789';

/** What the request thread provides the webhook's declaration: its counters, here counting to nothing. */
const requestThread = (() => new AnomaliesMetrics()) as ProjectionContext<unknown>['provided'];

describe('Alert delivery as the service builds it', () => {
  it('says at start that a secret without a URL delivers nothing, naming the settings, never the secret', async () => {
    // Found in the audit of 2026-12-06: ALERT_WEBHOOK_SECRET set and the URL's name mistyped started without a word.
    const declaration = anomaliesProjections.find((d) => d.name === ALERT_WEBHOOK_DELIVERY)!;
    const open = async (env: Record<string, string>) => {
      const lines: [ProjectionLogLevel, string][] = [];
      const storage = new InMemoryReadModelStorage();
      try {
        const delivery = await declaration.open({
          store: new InMemoryEventStore(),
          storage,
          config: loadEnvironment(env),
          log: (level, message) => lines.push([level, message]),
          provided: requestThread,
          publish: () => undefined,
        });
        return { delivery, lines };
      } finally {
        await storage.close();
      }
    };
    expect(await open({ ALERT_WEBHOOK_SECRET: SECRET })).toEqual({
      delivery: null,
      lines: [['warn', 'ALERT_WEBHOOK_SECRET is set without ALERT_WEBHOOK_URL: no alert is delivered']],
    });
    expect(await open({})).toEqual({ delivery: null, lines: [] });
  });

  it('says at start that plain http to another host carries the alerts unencrypted, without the URL', async () => {
    // The receiver's audit of 2026-12-07: http:// to any host was taken without a word, while each body holds client
    // addresses and account and key ids (personal data), readable by anyone on the way: the signature stops changes only.
    const declaration = anomaliesProjections.find((d) => d.name === ALERT_WEBHOOK_DELIVERY)!;
    const linesFor = async (url: string) => {
      const lines: [ProjectionLogLevel, string][] = [];
      const storage = new InMemoryReadModelStorage();
      try {
        await declaration.open({
          store: new InMemoryEventStore(),
          storage,
          config: loadEnvironment({ ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: SECRET }),
          log: (level, message) => lines.push([level, message]),
          provided: requestThread,
          publish: () => undefined,
        });
        return lines;
      } finally {
        await storage.close();
      }
    };
    expect(await linesFor('http://alerts.example.test:8080/hook?token=url-credential')).toEqual([
      [
        'warn',
        'ALERT_WEBHOOK_URL is plain http:// to another host: each alert (client addresses, account and key ids) crosses the network ' +
          'unencrypted, readable on the way (the signature stops changes, not readers); use https:// unless the network is yours alone',
      ],
    ]);
    expect(await linesFor('https://alerts.example.test/hook')).toEqual([]);
    expect(await linesFor('http://127.0.0.1:8080/hook')).toEqual([]);
    expect(await linesFor('http://localhost/hook')).toEqual([]);
    expect(await linesFor('http://[::1]:8080/hook')).toEqual([]);
  });

  it('logs each failed attempt as a warning and the delivery that follows, without the secret, the URL or the body', async () => {
    const receiver = await WebhookReceiver.start(SECRET);
    const storage = new InMemoryReadModelStorage();
    const store = new InMemoryEventStore();
    const lines: [ProjectionLogLevel, string][] = [];
    const url = `${receiver.url}/hooks?token=url-credential`;
    try {
      const declaration = anomaliesProjections.find((d) => d.name === ALERT_WEBHOOK_DELIVERY)!;
      const delivery = await declaration.open({
        store,
        storage,
        config: loadEnvironment({ ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: SECRET }),
        log: (level, message) => lines.push([level, message]),
        provided: requestThread,
        publish: () => undefined,
      });
      const alert: AnomalyDetectedData = {
        alertId: 'a'.repeat(32),
        rule: 'failed_auth_burst',
        keyId: 'key-1',
        accountId: 'acme',
        ip: '10.12.0.1',
        evidence: { reason: 'forbidden_address', failures: 20, marker: 'evidence-marker' },
        windowStart: '2026-03-02T00:00:00.000Z',
        windowEnd: '2026-03-02T00:01:00.000Z',
        detectedAt: '2026-03-02T00:01:00.000Z',
      };
      await store.appendToStream(`anomaly-${alert.alertId}`, [{ type: ANOMALY_DETECTED, schemaVersion: 1, data: { ...alert } }], 'no_stream');
      receiver.failNext(1, 503);
      await delivery!.handle(await store.readAll({ after: null, maxCount: 10 }));

      expect(receiver.acceptedIds()).toEqual([alert.alertId]);
      expect(lines).toEqual([
        ['warn', `Alert ${alert.alertId} attempt 1 failed (HTTP 503); retrying in 500 ms`],
        ['log', `Alert ${alert.alertId} delivered on attempt 2`],
      ]);
      const logged = lines.map(([, message]) => message).join('\n');
      for (const secretOrBody of [SECRET, receiver.url, 'url-credential', 'evidence-marker', 'forbidden_address']) {
        expect(logged).not.toContain(secretOrBody);
      }
      await delivery!.close?.();
    } finally {
      await storage.close();
      await receiver.close();
    }
  });
  it('starts at the end of the log without a saved position (deliveries.sqlite removed): an alert not yet delivered is never sent', async () => {
    // operations.md said that without deliveries.sqlite "every alert in the log is sent again": none is.
    const receiver = await WebhookReceiver.start(SECRET);
    const storage = new InMemoryReadModelStorage();
    const store = new InMemoryEventStore();
    try {
      const alertId = 'b'.repeat(32);
      const data: AnomalyDetectedData = {
        alertId,
        rule: 'failed_auth_burst',
        keyId: null,
        accountId: null,
        ip: '10.12.0.1',
        evidence: { failures: 20, threshold: 20, windowSeconds: 60 },
        windowStart: '2026-03-02T00:00:00.000Z',
        windowEnd: '2026-03-02T00:01:00.000Z',
        detectedAt: '2026-03-02T00:01:00.000Z',
      };
      await store.appendToStream(`anomaly-${alertId}`, [{ type: ANOMALY_DETECTED, schemaVersion: 1, data: { ...data } }], 'no_stream');
      const declaration = anomaliesProjections.find((d) => d.name === ALERT_WEBHOOK_DELIVERY)!;
      const delivery = await declaration.open({
        store,
        storage,
        config: loadEnvironment({ ALERT_WEBHOOK_URL: `${receiver.url}/hooks`, ALERT_WEBHOOK_SECRET: SECRET }),
        log: () => undefined,
        provided: requestThread,
        publish: () => undefined,
      });
      expect(await delivery!.checkpoint()).toBe(await store.headPosition());
      await delivery!.handle(await store.readAll({ after: null, maxCount: 10 }));
      expect(receiver.acceptedIds()).toEqual([]);
      await delivery!.close?.();
    } finally {
      await storage.close();
      await receiver.close();
    }
  });
});
