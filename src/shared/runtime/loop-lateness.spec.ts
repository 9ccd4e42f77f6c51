import { LoopLateness } from './loop-lateness.js';

describe('LoopLateness', () => {
  it('is behind only while its last check came later than LATE_MS past due', () => {
    let now = 1_000;
    const lateness = new LoopLateness(() => now);
    lateness.start();
    try {
      expect(lateness.behind).toBe(false);
      now += LoopLateness.PERIOD_MS;
      lateness.check();
      expect(lateness.behind).toBe(false);
      now += LoopLateness.PERIOD_MS + LoopLateness.LATE_MS;
      lateness.check();
      expect(lateness.behind).toBe(false);
      now += LoopLateness.PERIOD_MS + LoopLateness.LATE_MS + 1;
      lateness.check();
      expect(lateness.behind).toBe(true);
      now += LoopLateness.PERIOD_MS;
      lateness.check();
      expect(lateness.behind).toBe(false);
      now += 500;
      lateness.check();
      expect(lateness.behind).toBe(true);
    } finally {
      lateness.stop();
    }
    expect(lateness.behind).toBe(false);
  });
});
