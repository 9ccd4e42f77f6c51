import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { applyToKeyUsageView, type KeyUsageView, last24Hours } from './key-usage-view.js';
import { keyUsageProjectionWarning } from './key-usage-projection.js';

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

const HOUR_MS = 3_600_000;

/** What a view must be, computed the plain way: every use counted, then the newest 48 hours of buckets. */
function modelView(events: RecordedEvent[]): KeyUsageView {
  const uses = events.map((event) => event.data as Record<string, string>);
  const byTime = [...uses].sort((a, b) => (a.usedAt < b.usedAt ? -1 : a.usedAt > b.usedAt ? 1 : 0));
  // The last use: the latest, and of equal times the last in log order.
  const last = uses.reduce((latest, use) => (use.usedAt >= latest.usedAt ? use : latest));
  const counts = new Map<string, number>();
  let newest = -Infinity;
  const hourly: { hour: string; count: number }[] = [];
  for (const use of uses) {
    const hour = Math.floor(Date.parse(use.usedAt) / HOUR_MS) * HOUR_MS;
    // A bucket older than the newest hour's window when its use arrives is never counted.
    if (hour <= newest - 48 * HOUR_MS) continue;
    newest = Math.max(newest, hour);
    counts.set(new Date(hour).toISOString(), (counts.get(new Date(hour).toISOString()) ?? 0) + 1);
  }
  for (const [hour, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (Date.parse(hour) > newest - 48 * HOUR_MS) hourly.push({ hour, count });
  }
  return {
    keyId: uses[0].keyId,
    accountId: uses[0].accountId,
    accepted: uses.filter((use) => use.outcome === 'accepted').length,
    rateLimited: uses.filter((use) => use.outcome === 'rate_limited').length,
    refused: uses.filter((use) => use.outcome === 'refused').length,
    firstUsedAt: byTime[0].usedAt,
    lastUsedAt: last.usedAt,
    lastIp: last.ip,
    lastUserAgent: last.userAgent,
    hourly,
    revision: events.length - 1,
    // A stream none of whose uses was archived: counted from its start.
    countedFrom: 0,
    countedBeforeGap: null,
    archive: null,
  };
}

/** A small deterministic generator, so a failure can be replayed. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

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

  it('counts a use refused for the key’s policies apart, as a request of its hour and as its last use', () => {
    const view = fold([
      used('2026-01-01T10:05:00.000Z'),
      used('2026-01-01T10:06:00.000Z', { outcome: 'refused', method: 'POST', ip: '198.51.100.9' }),
      used('2026-01-01T10:07:00.000Z', { outcome: 'refused', method: 'DELETE', ip: '198.51.100.9' }),
    ])!;
    expect(view).toMatchObject({ accepted: 1, rateLimited: 0, refused: 2, lastUsedAt: '2026-01-01T10:07:00.000Z', lastIp: '198.51.100.9' });
    expect(view.hourly).toEqual([{ hour: '2026-01-01T10:00:00.000Z', count: 3 }]);
    // A view begun by a refusal.
    revision = 0;
    expect(fold([used('2026-01-01T11:00:00.000Z', { outcome: 'refused' })])).toMatchObject({ accepted: 0, rateLimited: 0, refused: 1 });
  });

  it('shows the last address in canonical form, also of a use recorded as the client wrote it', () => {
    expect(fold([used('2026-01-01T10:05:00.000Z', { ip: '::FFFF:C000:0201' })])!.lastIp).toBe('192.0.2.1');
    expect(fold([used('2026-01-01T10:05:00.000Z'), used('2026-01-01T10:06:00.000Z', { ip: '2001:DB8:0:0::1' })])!.lastIp).toBe('2001:db8::1');
  });

  it('changes the view it is given in place, and makes one only for the stream’s first use', () => {
    const [first, second] = [used('2026-01-01T10:05:00.000Z'), used('2026-01-01T10:06:00.000Z', { outcome: 'rate_limited' })];
    const view = applyToKeyUsageView(undefined, first)!;
    expect(applyToKeyUsageView(view, second)).toBe(view);
    expect(view).toMatchObject({ accepted: 1, rateLimited: 1, lastUsedAt: '2026-01-01T10:06:00.000Z', revision: 1 });
    expect(view.hourly).toEqual([{ hour: '2026-01-01T10:00:00.000Z', count: 2 }]);
  });

  it('counts a late use in an hour it already has, and drops one older than the 48 hours it keeps', () => {
    const view = fold([
      used('2026-01-01T10:00:00.000Z'),
      used('2026-01-03T09:00:00.000Z'),
      used('2026-01-01T10:30:00.000Z'),
      used('2026-01-01T09:59:00.000Z'),
    ])!;
    expect(view.hourly).toEqual([
      { hour: '2026-01-01T10:00:00.000Z', count: 2 },
      { hour: '2026-01-03T09:00:00.000Z', count: 1 },
    ]);
    expect(view.firstUsedAt).toBe('2026-01-01T09:59:00.000Z');
    expect(view.accepted).toBe(4);
  });

  it('folds any order of uses into what counting them the plain way gives', () => {
    const next = sequence(7);
    for (let log = 0; log < 200; log++) {
      revision = 0;
      const start = Date.UTC(2026, 0, 1);
      // Mostly in order, some late, some far in the past or future: hours over about four days.
      let clock = start;
      const events = Array.from({ length: 1 + Math.floor(next() * 60) }, () => {
        const r = next();
        clock += r < 0.7 ? next() * 20 * 60_000 : r < 0.85 ? next() * 20 * HOUR_MS : 0;
        const at = r >= 0.85 ? clock - next() * 60 * HOUR_MS : clock;
        const draw = next();
        const outcome = draw < 0.7 ? 'accepted' : draw < 0.85 ? 'rate_limited' : 'refused';
        return used(new Date(Math.floor(at)).toISOString(), { outcome, ip: `10.0.0.${Math.floor(next() * 3)}`, userAgent: `ua${Math.floor(next() * 2)}` });
      });
      expect({ log, view: fold(events) }).toEqual({ log, view: modelView(events) });
    }
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

describe('key usage view and uses written by a newer version of the service', () => {
  beforeEach(() => (revision = 0));

  /** What a newer version might write as KeyUsed 2: the time and the address moved, so `usedAt` and `ip` are gone. */
  const newer = (at: string): RecordedEvent => {
    const event = used(at);
    const { keyId, accountId, outcome } = event.data;
    return { ...event, schemaVersion: 2, data: { keyId, accountId, at, client: { ip: '198.51.100.9' }, outcome } };
  };

  it('passes by a KeyUsed of a schema version it does not know, first or later in the stream, and counts every other use', () => {
    // Folded as if known, the first threw (an hour of no time) and the projection stopped for every key at every retry.
    const events = [newer('2026-01-01T10:00:00.000Z'), used('2026-01-01T10:05:00.000Z'), newer('2026-01-01T10:06:00.000Z'), used('2026-01-01T10:07:00.000Z')];
    const view = fold(events)!;
    expect(view).toMatchObject({ accepted: 2, firstUsedAt: '2026-01-01T10:05:00.000Z', lastUsedAt: '2026-01-01T10:07:00.000Z', lastIp: '203.0.113.7', revision: 3 });
    expect(view.hourly).toEqual([{ hour: '2026-01-01T10:00:00.000Z', count: 2 }]);
    // Passed by, it leaves no gap: nothing waits for an archive to explain it.
    expect(view.countedBeforeGap).toBeNull();
  });

  it('says so once per type and schema version, naming the first one met', () => {
    const warnings: string[] = [];
    const apply = keyUsageProjectionWarning((message) => warnings.push(message)).apply;
    [newer('2026-01-01T10:00:00.000Z'), used('2026-01-01T10:05:00.000Z'), newer('2026-01-01T10:06:00.000Z')].reduce<KeyUsageView | undefined>(apply, undefined);
    expect(warnings).toEqual([
      'Usage views: KeyUsed (schema version 2) at position 1 was written by a newer version of the service, which this one cannot read: ' +
        'not counted, with every later one like it, until this instance is upgraded (docs/operations.md, "Upgrades")',
    ]);
  });
});
