import { InMemoryEventStore } from '../../../infrastructure/in-memory/in-memory-event-store.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { trafficSinceRoll } from './traffic-since-roll.js';

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
    expect(traffic).toEqual({ uses: 4, lastUsedAt: '2026-01-01T10:04:00.000Z', addresses: ['192.0.2.1', '2001:db8::1'] });
  });
});
