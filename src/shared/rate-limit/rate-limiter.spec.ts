import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter when the clock steps', () => {
  const threePerSecond = { requests: 3, perSeconds: 1 };

  it('admits again a window after a step back, not once the clock is back where it was', () => {
    let now = Date.UTC(2026, 11, 6, 12);
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 3; i++) expect(limiter.consume('key', threePerSecond).allowed).toBe(true);
    now -= 3_600_000; // NTP steps the clock back an hour
    expect(limiter.consume('key', threePerSecond)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    now += 1000;
    expect(limiter.consume('key', threePerSecond).allowed).toBe(true);
  });

  it('still refuses what a step forward has not drained, and admits the full quota after a big one', () => {
    let now = Date.UTC(2026, 11, 6, 12);
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 3; i++) limiter.consume('key', threePerSecond);
    now += 100;
    expect(limiter.consume('key', threePerSecond).allowed).toBe(false);
    now += 3_600_000;
    expect([1, 2, 3, 4].map(() => limiter.consume('key', threePerSecond).allowed)).toEqual([true, true, true, false]);
  });
});
