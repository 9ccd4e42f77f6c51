import { PendingAge } from './pending-age.js';

describe('PendingAge', () => {
  const wallNow = Date.parse('2026-12-07T12:00:00.000Z');
  const recordedAgo = (ms: number) => new Date(wallNow - ms).toISOString();
  const clocks = () => {
    const clock = { monotonic: 5_000 };
    return { clock, age: new PendingAge(() => clock.monotonic, () => wallNow) };
  };

  it('is 0 when nothing waits', () => {
    expect(clocks().age.of(null, null)).toBe(0);
  });

  it("does not take an event appended by a clock 60 s behind for 60 s old: it waited since this process first saw it", () => {
    const { clock, age } = clocks();
    age.sawHead(10);
    clock.monotonic += 100;
    age.sawHead(11); // appended by an instance whose clock is 60 s behind this one's
    clock.monotonic += 80;
    expect(age.of(11, recordedAgo(60_000))).toBe(80);
  });

  it('nor for an hour old after this clock stepped forward an hour', () => {
    const { clock, age } = clocks();
    age.sawHead(3);
    clock.monotonic += 250;
    expect(age.of(3, recordedAgo(3_600_000 + 250))).toBe(250);
  });

  it('grows with the time an event stays pending (a stuck projection), up to its recorded age when the clocks agree', () => {
    const { clock, age } = clocks();
    age.sawHead(7);
    clock.monotonic += 15_000;
    age.sawHead(9);
    expect(age.of(7, recordedAgo(15_400))).toBe(15_000);
    // Recorded ahead of this clock (its appender's clock ahead): never below 0, and no more than it says.
    expect(age.of(7, recordedAgo(-2_000))).toBe(0);
    // A later event of the projection's types, first seen at the second look.
    clock.monotonic += 3_000;
    expect(age.of(8, recordedAgo(60_000))).toBe(3_000);
  });

  it('is 0 for an event at or after every head seen so far: appended since the last look', () => {
    const { age } = clocks();
    expect(age.of(1, recordedAgo(30_000))).toBe(0);
    age.sawHead(4);
    expect(age.of(5, recordedAgo(30_000))).toBe(0);
  });

  it('says its age is only a floor for an event pending before its first look (a start), which read 0 with nothing more', () => {
    const { clock, age } = clocks();
    // The first check after a start: the projection is 2 min behind; this process reads the head for the first time now.
    age.sawHead(40);
    expect(age.measure(25, recordedAgo(120_000))).toEqual({ ms: 0, atLeast: true });
    clock.monotonic += 10_000;
    age.sawHead(41);
    expect(age.measure(25, recordedAgo(130_000))).toEqual({ ms: 10_000, atLeast: true });
    // First seen at a later look: this clock bounds it, as before.
    clock.monotonic += 500;
    expect(age.measure(41, recordedAgo(60_000))).toEqual({ ms: 500, atLeast: false });
    // Pending before the first look, recorded no older than this clock has seen: its recorded age stands.
    expect(age.measure(25, recordedAgo(3_000))).toEqual({ ms: 3_000, atLeast: false });
    expect(age.measure(null, null)).toEqual({ ms: 0, atLeast: false });
  });

  it('keeps the first sighting when it thins them, so an event pending since then keeps its bound', () => {
    const { clock, age } = clocks();
    for (let position = 1; position <= 5_000; position++) {
      age.sawHead(position);
      clock.monotonic += 1_000;
    }
    expect(age.of(1, recordedAgo(10_000_000))).toBe(5_000_000);
  });
});
