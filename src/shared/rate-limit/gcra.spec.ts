import { gcra, type RateLimit, type RateState } from './gcra.js';

/** Decides a request at each time, at the limit given for it (one limit for all, or one per request). */
function run(limit: RateLimit | RateLimit[], times: number[]) {
  let state: RateState | undefined;
  return times.map((now, i) => {
    const decision = gcra(Array.isArray(limit) ? limit[i] : limit, state, now);
    if (decision.allowed) state = decision.state;
    return decision;
  });
}

const EPOCH_MS = Date.UTC(2026, 11, 5);

describe('GCRA rate limit', () => {
  const fivePerTenSeconds = { requests: 5, perSeconds: 10 };

  it('admits exactly the quota in a burst, then refuses', () => {
    const decisions = run(fivePerTenSeconds, [0, 0, 0, 0, 0, 0]);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
  });

  it('tells when the next request and the full quota will be available', () => {
    const decisions = run(fivePerTenSeconds, [0, 0, 0, 0, 0, 0]);
    expect(decisions[4].resetSeconds).toBe(10);
    expect(decisions[5]).toMatchObject({ allowed: false, retryAfterSeconds: 2, resetSeconds: 10 });
  });

  it('tells in milliseconds when one more request would be admitted', () => {
    const decisions = run(fivePerTenSeconds, [0, 0, 0, 0, 0, 0, 500]);
    expect(decisions.map((d) => d.nextAllowedInMs)).toEqual([0, 0, 0, 0, 2000, 2000, 1500]);
  });

  it('admits one more request per emission interval at the steady rate', () => {
    const decisions = run(fivePerTenSeconds, [0, 0, 0, 0, 0, 1999, 2000, 2001]);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, true, false]);
  });

  it('restores the whole quota after the window has passed', () => {
    const decisions = run(fivePerTenSeconds, [0, 0, 0, 0, 0, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
    expect(decisions.slice(5).map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
  });

  it('handles a limit of one request', () => {
    const decisions = run({ requests: 1, perSeconds: 1 }, [0, 500, 1000]);
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 0],
      [false, 0],
      [true, 0],
    ]);
    expect(decisions[1].retryAfterSeconds).toBe(1);
  });

  describe('on epoch milliseconds, where a theoretical arrival time loses precision', () => {
    it.each([7, 6, 11, 13, 1000])('admits exactly %i of a limit of that many per second in one instant, counting down by one', (requests) => {
      const decisions = run({ requests, perSeconds: 1 }, Array.from({ length: requests + 1 }, () => EPOCH_MS));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(requests);
      expect(decisions.slice(0, requests).map((d) => d.remaining)).toEqual(Array.from({ length: requests }, (_, i) => requests - 1 - i));
    });

    it('keeps a limit of a million per second exact (an interval of 1 µs)', () => {
      const limit = { requests: 1_000_000, perSeconds: 1 };
      let state: RateState | undefined;
      let admitted = 0;
      for (let i = 0; i < 1_000_010; i++) {
        const decision = gcra(limit, state, EPOCH_MS);
        if (!decision.allowed) break;
        state = decision.state;
        admitted++;
      }
      expect(admitted).toBe(1_000_000);
    });

    it('readmits one request exactly one emission interval later', () => {
      const limit = { requests: 7, perSeconds: 1 };
      const burst = Array.from({ length: 7 }, () => EPOCH_MS);
      const decisions = run(limit, [...burst, EPOCH_MS + 142, EPOCH_MS + 143]);
      expect(decisions.slice(7).map((d) => d.allowed)).toEqual([false, true]);
    });
  });

  describe('when the limit changes', () => {
    it('applies a raised limit at once to what was spent: 1 a day spent, raised to 1000 a minute', () => {
      const limits = [{ requests: 1, perSeconds: 86_400 }, ...Array.from({ length: 2 }, () => ({ requests: 1000, perSeconds: 60 }))];
      const decisions = run(limits, [EPOCH_MS, EPOCH_MS, EPOCH_MS + 120]);
      // The day's one request counts as one of the thousand, and drains in 60 ms at the new rate.
      expect(decisions[1]).toMatchObject({ allowed: true, limit: 1000, remaining: 998, resetSeconds: 1 });
      expect(decisions[2]).toMatchObject({ allowed: true, remaining: 999 });
    });

    it('counts what was spent against a lowered limit, drained at the rate it was spent at: 10 of 100 a minute, lowered to 5', () => {
      const hundred = { requests: 100, perSeconds: 60 };
      const five = { requests: 5, perSeconds: 60 };
      const limits = [...Array.from({ length: 10 }, () => hundred), five, five, five, five];
      const decisions = run(limits, [...Array.from({ length: 11 }, () => EPOCH_MS), EPOCH_MS + 3599, EPOCH_MS + 3600, EPOCH_MS + 3601]);
      expect(decisions.slice(0, 10).every((d) => d.allowed)).toBe(true);
      // Ten outstanding, draining one per 0.6 s: one more once six have drained (3.6 s), then one per 12 s.
      expect(decisions[10]).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 4, resetSeconds: 6, nextAllowedInMs: 3600 });
      expect(decisions.slice(11).map((d) => d.allowed)).toEqual([false, true, false]);
      expect(decisions[13].nextAllowedInMs).toBeCloseTo(12_000 - 1, 6);
    });

    it('never counts again what had drained before a limit was lowered (500 spent at 1,000/s, lowered to 1 a day 5 s later)', () => {
      const limits = [...Array.from({ length: 500 }, () => ({ requests: 1000, perSeconds: 1 })), { requests: 1, perSeconds: 86_400 }];
      const decisions = run(limits, [...Array.from({ length: 500 }, () => EPOCH_MS), EPOCH_MS + 5000]);
      // Before, the 5 s drained at the new rate: refused for 27,302,395 s (316 days).
      expect(decisions[500]).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 86_400 });
    });

    it('gives a full second, not 0, as the reset of a limit whose interval is under a millisecond', () => {
      expect(run({ requests: 1_000_000, perSeconds: 1 }, [EPOCH_MS])[0]).toMatchObject({ remaining: 999_999, resetSeconds: 1 });
    });
  });
});
