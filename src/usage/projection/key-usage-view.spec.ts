import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { applyToKeyUsageView, type KeyUsageView, last24Hours } from './key-usage-view.js';

let revision = 0;
function used(usedAt: string, overrides: Record<string, unknown> = {}): RecordedEvent {
  return {
    id: `e${revision}`,
    streamId: 'api_key_usage-k1',
    type: 'KeyUsed',
    schemaVersion: 1,
    data: { keyId: 'k1', accountId: 'acme', usedAt, requestId: 'r', ip: '203.0.113.7', userAgent: 'ua', method: 'GET', path: '/v1/api-keys', outcome: 'accepted', ...overrides },
    metadata: {},
    revision: revision,
    position: ++revision,
    recordedAt: usedAt,
  };
}

const fold = (events: RecordedEvent[]) => events.reduce<KeyUsageView | undefined>(applyToKeyUsageView, undefined);

describe('key usage view', () => {
  beforeEach(() => (revision = 0));

  it('counts outcomes, first and last use, and requests per hour', () => {
    const view = fold([
      used('2026-01-01T10:05:00.000Z'),
      used('2026-01-01T10:55:00.000Z', { outcome: 'rate_limited' }),
      used('2026-01-01T12:00:00.000Z', { ip: '198.51.100.1', userAgent: 'other' }),
    ])!;
    expect(view).toMatchObject({
      accepted: 2,
      rateLimited: 1,
      firstUsedAt: '2026-01-01T10:05:00.000Z',
      lastUsedAt: '2026-01-01T12:00:00.000Z',
      lastIp: '198.51.100.1',
      lastUserAgent: 'other',
      revision: 2,
    });
    expect(view.hourly).toEqual([
      { hour: '2026-01-01T10:00:00.000Z', count: 2 },
      { hour: '2026-01-01T12:00:00.000Z', count: 1 },
    ]);
  });

  it('ignores an event it has already applied', () => {
    const events = [used('2026-01-01T10:05:00.000Z'), used('2026-01-01T10:06:00.000Z')];
    const view = fold(events);
    expect(applyToKeyUsageView(view, events[0])).toBe(view);
  });

  it('places a late use in its own hour and keeps the last use the latest one', () => {
    const view = fold([used('2026-01-01T12:00:00.000Z'), used('2026-01-01T10:30:00.000Z', { ip: 'late' })])!;
    expect(view.lastUsedAt).toBe('2026-01-01T12:00:00.000Z');
    expect(view.lastIp).toBe('203.0.113.7');
    expect(view.firstUsedAt).toBe('2026-01-01T10:30:00.000Z');
    expect(view.hourly.map((h) => h.hour)).toEqual(['2026-01-01T10:00:00.000Z', '2026-01-01T12:00:00.000Z']);
  });

  it('keeps 48 hours of buckets and shows the last 24 with zeros', () => {
    const events = Array.from({ length: 60 }, (_, h) => used(new Date(Date.UTC(2026, 0, 1, h)).toISOString()));
    const view = fold(events)!;
    expect(view.hourly).toHaveLength(48);
    expect(view.hourly[0].hour).toBe(new Date(Date.UTC(2026, 0, 1, 12)).toISOString());
    const day = last24Hours(view, new Date(Date.UTC(2026, 0, 3, 13, 30)));
    expect(day).toHaveLength(24);
    expect(day[23]).toEqual({ hour: '2026-01-03T13:00:00.000Z', count: 0 });
    expect(day[22]).toEqual({ hour: '2026-01-03T12:00:00.000Z', count: 0 });
    expect(day[21]).toEqual({ hour: '2026-01-03T11:00:00.000Z', count: 1 });
    expect(day.reduce((sum, h) => sum + h.count, 0)).toBe(22);
  });
});
