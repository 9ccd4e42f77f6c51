import { InMemoryEventStore } from '../../../infrastructure/in-memory/in-memory-event-store.js';
import { canonicalAddress } from '../../../shared/domain/client-address.js';
import type { EventStore, RecordedEvent, StreamPage } from '../../../shared/event-store/event-store.port.js';
import { KEY_USED, keyUsageStreamId } from '../../../usage/domain/key-used.js';
import type { TrafficSinceRoll } from '../../presentation/present-api-key.js';
import { seededRandom } from '../../../../test/support/seeded-random.js';
import { trafficSinceRoll } from './traffic-since-roll.js';

const MINUTE = 60_000;
const ADDRESSES = [...Array.from({ length: 26 }, (_, i) => `192.0.2.${i}`), '::ffff:192.0.2.3', '2001:DB8::1', '2001:db8::1'];

/** A log of one key's uses, dated and logged as given, read through a store that counts the events it hands out. */
function usageLog(uses: { usedAt: number; loggedAt: number; ip: string }[]): { store: EventStore; events: RecordedEvent[]; read: () => number } {
  const events: RecordedEvent[] = uses.map((use, revision) => ({
    id: `u${revision}`,
    streamId: keyUsageStreamId('k'),
    type: KEY_USED,
    schemaVersion: 1,
    data: { keyId: 'k', accountId: 'acme', usedAt: new Date(use.usedAt).toISOString(), ip: use.ip, outcome: 'accepted' },
    metadata: {},
    revision,
    position: revision + 1,
    recordedAt: new Date(use.loggedAt).toISOString(),
  }));
  let read = 0;
  const store = {
    readStream: async (streamId: string, page: StreamPage = {}) => {
      if (streamId !== keyUsageStreamId('k')) return [];
      const from = page.fromRevision ?? 0;
      const slice = events.slice(from, from + (page.maxCount ?? events.length));
      read += slice.length;
      return slice;
    },
  } as unknown as EventStore;
  return { store, events, read: () => read };
}

/** What the figures are: every use of the stream made since the roll (and by `until`), folded in log order. */
function everyUseSinceRoll(events: RecordedEvent[], rolledAt: string, until: Date | null): TrafficSinceRoll {
  const [from, to] = [Date.parse(rolledAt), until?.getTime() ?? Infinity];
  const since = events.filter((e) => Date.parse(e.data.usedAt as string) >= from && Date.parse(e.data.usedAt as string) <= to);
  const lastSeen = new Map<string, number>();
  for (const e of since) {
    const address = canonicalAddress(e.data.ip as string);
    lastSeen.set(address, Math.max(Date.parse(e.data.usedAt as string), lastSeen.get(address) ?? 0));
  }
  const last = Math.max(...since.map((e) => Date.parse(e.data.usedAt as string)));
  return {
    uses: since.length,
    lastUsedAt: since.length ? new Date(last).toISOString() : null,
    addresses: [...lastSeen.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([ip]) => ip),
    addressCount: lastSeen.size,
  };
}

/**
 * Uses over `hours` served by instances whose clocks are up to 10 minutes apart, each logged at its instance's next
 * flush (every 5 to 60 s), all of them held back by an outage of up to 30 minutes now and then: the stream is in
 * log order, and out of time order by the clocks and the flushes.
 */
function servedByInstances(next: () => number, hours: number): { usedAt: number; loggedAt: number; ip: string }[] {
  const start = Date.UTC(2026, 0, 1);
  const instances = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ offset: Math.round((next() - 0.5) * 20 * MINUTE), flushEvery: 5000 + Math.floor(next() * 55_000) }));
  const outages = Array.from({ length: Math.floor(next() * 3) }, () => {
    const from = start + next() * hours * 60 * MINUTE;
    return { from, to: from + next() * 30 * MINUTE };
  });
  const uses: { usedAt: number; loggedAt: number; ip: string; instance: number }[] = [];
  for (let t = start, n = 200 + Math.floor(next() * 800); uses.length < n; t += Math.floor((next() * hours * 120 * MINUTE) / n)) {
    const instance = Math.floor(next() * instances.length);
    const { offset, flushEvery } = instances[instance];
    let loggedAt = Math.ceil((t + 1) / flushEvery) * flushEvery;
    for (const outage of outages) if (loggedAt >= outage.from && loggedAt < outage.to) loggedAt = Math.ceil(outage.to);
    uses.push({ usedAt: t + offset, loggedAt, ip: ADDRESSES[Math.floor(next() * ADDRESSES.length)], instance });
  }
  // Each flush appends its instance's batch as a block, in the order its uses were made.
  return uses.sort((a, b) => a.loggedAt - b.loggedAt || a.instance - b.instance || a.usedAt - b.usedAt);
}

describe('trafficSinceRoll', () => {
  it('lists each client once however its address was recorded, most recent first', async () => {
    const store = new InMemoryEventStore();
    const uses = [
      ['2026-01-01T10:01:00.000Z', '2001:DB8::1'],
      ['2026-01-01T10:02:00.000Z', '::ffff:192.0.2.1'],
      ['2026-01-01T10:03:00.000Z', '2001:db8:0:0::1'],
      ['2026-01-01T10:04:00.000Z', '192.0.2.1'],
      ['2026-01-01T09:00:00.000Z', '198.51.100.9'], // before the roll
    ];
    await store.appendToStream(
      keyUsageStreamId('k'),
      uses.map(([usedAt, ip]) => ({ type: 'KeyUsed', schemaVersion: 1, data: { keyId: 'k', accountId: 'acme', usedAt, ip, outcome: 'accepted' } })),
      'any',
    );
    const traffic = await trafficSinceRoll(store, 'k', '2026-01-01T10:00:00.000Z', new Date('2026-01-01T11:00:00.000Z'));
    expect(traffic).toEqual({ uses: 4, lastUsedAt: '2026-01-01T10:04:00.000Z', addresses: ['192.0.2.1', '2001:db8::1'], addressCount: 2 });
  });

  it('passes by a use of a schema version it does not know (a newer version\'s), as the usage views do', async () => {
    const store = new InMemoryEventStore();
    await store.appendToStream(
      keyUsageStreamId('k'),
      [
        // KeyUsed 2 with its time and address moved: read as 1, it was counted, and its time made last_used_at "undefined".
        { type: 'KeyUsed', schemaVersion: 2, data: { keyId: 'k', accountId: 'acme', at: '2026-01-01T10:05:00.000Z', client: { ip: '192.0.2.9' }, outcome: 'accepted' } },
        { type: 'KeyUsed', schemaVersion: 1, data: { keyId: 'k', accountId: 'acme', usedAt: '2026-01-01T10:01:00.000Z', ip: '192.0.2.1', outcome: 'accepted' } },
      ],
      'any',
    );
    for (const until of [null, new Date('2026-01-01T11:00:00.000Z')]) {
      expect(await trafficSinceRoll(store, 'k', '2026-01-01T10:00:00.000Z', until)).toEqual({ uses: 1, lastUsedAt: '2026-01-01T10:01:00.000Z', addresses: ['192.0.2.1'], addressCount: 1 });
    }
  });

  it('reads the uses logged from an hour before the roll, not the whole stream', async () => {
    const start = Date.UTC(2026, 0, 1);
    // 20,000 uses over 20 days, each logged 30 s after it was made, then 10 since the roll.
    const before = Array.from({ length: 20_000 }, (_, i) => ({ usedAt: start + i * 86_400, loggedAt: start + i * 86_400 + 30_000, ip: '192.0.2.1' }));
    const rolledAt = start + 20_000 * 86_400;
    const since = Array.from({ length: 10 }, (_, i) => ({ usedAt: rolledAt + i * 1000, loggedAt: rolledAt + i * 1000 + 30_000, ip: '198.51.100.7' }));
    const { store, events, read } = usageLog([...before, ...since]);
    const traffic = await trafficSinceRoll(store, 'k', new Date(rolledAt).toISOString(), null);
    expect(traffic).toEqual(everyUseSinceRoll(events, new Date(rolledAt).toISOString(), null));
    expect(traffic.uses).toBe(10);
    // The hour before the roll holds 42 uses; the search for its first reads about 30 more.
    expect(read()).toBeLessThan(150);
  });

  it('answers as a pass over the whole stream does, for every roll and until (seeded: clocks apart, batched flushes, outages)', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = seededRandom(seed);
      const hours = 2 + Math.floor(next() * 10);
      const { store, events } = usageLog(servedByInstances(next, hours));
      for (let probe = 0; probe < 8; probe++) {
        // The rolling instance's clock is within 10 minutes of the others' too.
        const rolledAt = new Date(Date.UTC(2026, 0, 1) + Math.floor((next() * hours + 0.5) * 60 * MINUTE) + Math.round((next() - 0.5) * 20 * MINUTE)).toISOString();
        const until = next() < 0.5 ? null : new Date(Date.parse(rolledAt) + Math.floor(next() * hours * 60 * MINUTE));
        const expected = everyUseSinceRoll(events, rolledAt, until);
        expect({ seed, rolledAt, until, traffic: await trafficSinceRoll(store, 'k', rolledAt, until) }).toEqual({ seed, rolledAt, until, traffic: expected });
      }
    }
  });
});
