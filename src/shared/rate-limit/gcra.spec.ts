import { gcra, type RateLimit } from './gcra.js';

function run(limit: RateLimit, times: number[]) {
  let tat: number | undefined;
  return times.map((now) => {
    const decision = gcra(limit, tat, now);
    if (decision.allowed) tat = decision.tat;
    return decision;
  });
}

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
});
