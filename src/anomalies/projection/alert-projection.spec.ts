import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { ALERT_ARCHIVED } from '../domain/alert-archived.js';
import { ANOMALY_DETECTED, anomalyStreamId } from '../domain/anomaly.js';
import { alertProjection, alertProjectionWarning } from './alert-projection.js';

const ID_V1 = 'a'.repeat(32);
const ID_V2 = 'b'.repeat(32);

function alert(alertId: string, schemaVersion: number, data: Record<string, unknown>, position: number): RecordedEvent {
  return { id: `e${position}`, streamId: anomalyStreamId(alertId), type: ANOMALY_DETECTED, schemaVersion, data, metadata: {}, revision: 0, position, recordedAt: '2026-12-06T10:00:00.000Z' };
}

const v1 = alert(ID_V1, 1, { alertId: ID_V1, rule: 'rate_spike', keyId: null, accountId: 'acme', ip: null, evidence: {}, windowStart: 'w', windowEnd: 'w', detectedAt: 'd' }, 8);
/** AnomalyDetected as a newer version might write it: its id and subject moved, so `alertId` is gone. */
const v2 = alert(ID_V2, 2, { id: ID_V2, rule: 'rate_spike', subject: { accountId: 'acme' }, window: { start: 'w', end: 'w' } }, 7);

describe('alert views and alerts written by a newer version of the service', () => {
  it('passes by an AnomalyDetected of a schema version it does not know, keyed by its stream, and lists every other', () => {
    // Keyed by data.alertId, it had none: the SQLite views failed on 'Missing named parameter "alertId"' at every retry.
    expect(alertProjection.viewIdOf(v2)).toBe(ID_V2);
    expect(alertProjection.apply(undefined, v2)).toBeUndefined();
    expect(alertProjection.viewIdOf(v1)).toBe(ID_V1);
    expect(alertProjection.apply(undefined, v1)).toMatchObject({ alertId: ID_V1, position: 8 });
  });

  it('says so once per schema version', () => {
    const warnings: string[] = [];
    const { apply } = alertProjectionWarning((message) => warnings.push(message));
    for (const event of [v2, v1, { ...v2, position: 9 }]) apply(undefined, event);
    expect(warnings).toEqual([
      'Alert views: AnomalyDetected (schema version 2) at position 7 was written by a newer version of the service, which this one cannot read: ' +
        'not listed, with every later one like it, until this instance is upgraded (docs/operations.md, "Upgrades")',
    ]);
  });
});

describe('alert views and archived alerts (archive-usage)', () => {
  const detected = alert(ID_V1, 1, { alertId: ID_V1, rule: 'many_addresses', keyId: 'k1', accountId: 'acme', ip: '198.51.100.1', evidence: { addresses: ['198.51.100.1', '198.51.100.2'] }, windowStart: 'ws', windowEnd: 'we', detectedAt: 'd' }, 8);
  const archived: RecordedEvent = {
    ...detected,
    id: 'e30',
    type: ALERT_ARCHIVED,
    data: { alertId: ID_V1, rule: 'many_addresses', windowStart: 'ws', windowEnd: 'we', detectedAt: 'd', archivedAt: 'a', before: 'b', file: 'f', fileSha256: 's' },
    revision: 1,
    position: 30,
  };
  const stub = { alertId: ID_V1, rule: 'many_addresses', keyId: null, accountId: null, ip: null, evidence: {}, windowStart: 'ws', windowEnd: 'we', detectedAt: 'd', position: 30, revision: 1 };
  const fold = (events: RecordedEvent[]) => events.reduce(alertProjection.apply, undefined as ReturnType<typeof alertProjection.apply>);

  it('folds the archive into a stub of no account, key, address or evidence, the same whether the alert was seen first or not', () => {
    expect(alertProjection.eventTypes).toContain(ALERT_ARCHIVED);
    expect(fold([detected, archived])).toEqual(stub);
    expect(fold([archived])).toEqual(stub);
  });

  it('keeps the stub when the alert or the archive is seen again (a replay, a store another instance is behind on)', () => {
    expect(fold([detected, archived, detected])).toEqual(stub);
    const once = fold([detected, archived]);
    expect(alertProjection.apply(once, archived)).toBe(once);
  });
});
