import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { ANOMALY_DETECTED, type AnomalyDetectedData } from '../domain/anomaly.js';
import { toWebhookPayload } from './alert-payload.js';

const data: AnomalyDetectedData = {
  alertId: 'rate_spike:key-1:2025-06-01T10:00:00.000Z',
  rule: 'rate_spike',
  keyId: 'key-1',
  accountId: 'acme',
  ip: null,
  evidence: { requests: 900, baseline: 40 },
  windowStart: '2025-06-01T10:00:00.000Z',
  windowEnd: '2025-06-01T10:05:00.000Z',
  detectedAt: '2025-06-01T10:04:59.000Z',
};

const recorded = (overrides: Partial<RecordedEvent> = {}): RecordedEvent => ({
  id: 'event-uuid',
  streamId: `anomaly-${data.alertId}`,
  type: ANOMALY_DETECTED,
  schemaVersion: 1,
  data: { ...data } as unknown as Record<string, unknown>,
  metadata: { requestId: 'req-secret-ish', actor: 'system' },
  revision: 0,
  position: 42,
  recordedAt: '2025-06-01T10:05:00.100Z',
  ...overrides,
});

describe('toWebhookPayload', () => {
  it('maps the event to the snake_case body with the alert id as id, and nothing else', () => {
    const payload = toWebhookPayload(recorded({ data: { ...data, extra: 'internal' } as unknown as Record<string, unknown> }));
    expect(payload).toStrictEqual({
      id: data.alertId,
      type: 'anomaly.detected',
      schema_version: 1,
      created_at: data.detectedAt,
      data: {
        rule: 'rate_spike',
        key_id: 'key-1',
        account_id: 'acme',
        ip: null,
        evidence: { requests: 900, baseline: 40 },
        window_start: data.windowStart,
        window_end: data.windowEnd,
      },
    });
    const json = JSON.stringify(payload);
    for (const leaked of ['event-uuid', 'req-secret-ish', 'internal', 'recordedAt', '"position"', 'anomaly-rate_spike']) {
      expect(json).not.toContain(leaked);
    }
  });

  it('is deterministic: the same event gives the same bytes', () => {
    expect(JSON.stringify(toWebhookPayload(recorded()))).toBe(JSON.stringify(toWebhookPayload(recorded({ position: 7 }))));
  });

  it('does not share the evidence object with the event', () => {
    const event = recorded();
    const payload = toWebhookPayload(event);
    (payload.data.evidence as Record<string, unknown>).requests = 0;
    expect((event.data.evidence as Record<string, unknown>).requests).toBe(900);
  });

  it('sends an alert of a rule a newer version added as it is: during a rolling upgrade the older sender goes on', () => {
    const payload = toWebhookPayload(recorded({ data: { ...data, rule: 'a_rule_of_a_newer_version' } }));
    expect(payload.data).toMatchObject({ rule: 'a_rule_of_a_newer_version', key_id: data.keyId, evidence: data.evidence });
  });

  it('refuses other event types and malformed alerts', () => {
    expect(() => toWebhookPayload(recorded({ type: 'KeyCreated' }))).toThrow(/Not an AnomalyDetected/);
    expect(() => toWebhookPayload(recorded({ data: { ...data, alertId: '' } }))).toThrow(/alertId/);
    for (const rule of [undefined, 7, '', 'Rate spike', 'x'.repeat(65)]) {
      expect(() => toWebhookPayload(recorded({ data: { ...data, rule } }))).toThrow(/rule/);
    }
    expect(() => toWebhookPayload(recorded({ data: { ...data, keyId: 5 } }))).toThrow(/keyId/);
    expect(() => toWebhookPayload(recorded({ data: { ...data, evidence: null } }))).toThrow(/evidence/);
    expect(() => toWebhookPayload(recorded({ data: { ...data, detectedAt: undefined } }))).toThrow(/detectedAt/);
  });
});
