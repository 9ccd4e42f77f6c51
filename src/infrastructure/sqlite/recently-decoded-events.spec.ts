import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { RecentlyDecodedEvents } from './recently-decoded-events.js';

const at = (position: number): RecordedEvent => ({
  id: `e${position}`,
  streamId: 's',
  type: 'KeyUsed',
  schemaVersion: 1,
  data: {},
  metadata: {},
  revision: position,
  position,
  recordedAt: '2026-12-03T00:00:00.000Z',
});

describe('RecentlyDecodedEvents', () => {
  it('keeps the last positions up to its capacity, and answers nothing for a position it does not hold', () => {
    const recent = new RecentlyDecodedEvents(8);
    for (let position = 1; position <= 20; position++) recent.put(at(position));
    expect([...Array(20).keys()].map((i) => recent.get(i + 1)?.id ?? null)).toEqual([
      ...Array<null>(12).fill(null),
      ...[13, 14, 15, 16, 17, 18, 19, 20].map((position) => `e${position}`),
    ]);
    expect(recent.get(0)).toBeUndefined();
    expect(recent.get(28)).toBeUndefined();
  });

  it('tells positions apart beyond 32 bits', () => {
    const recent = new RecentlyDecodedEvents(8);
    recent.put(at(2 ** 40 + 3));
    expect(recent.get(2 ** 40 + 3)?.id).toBe(`e${2 ** 40 + 3}`);
    expect(recent.get(3)).toBeUndefined();
  });

  it('takes only a power of two', () => {
    expect(() => new RecentlyDecodedEvents(1000)).toThrow(/power of two/);
  });
});
