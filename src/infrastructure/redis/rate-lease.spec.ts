import { leaseSize } from './rate-lease.js';

describe('leaseSize', () => {
  const tenPerSecond = { requests: 600, perSeconds: 60 };

  it('starts at one and doubles with what was spent, up to what the limit accrues in a lease', () => {
    expect(leaseSize(tenPerSecond, 5000, undefined)).toBe(1);
    expect(leaseSize(tenPerSecond, 5000, 1)).toBe(2);
    expect(leaseSize(tenPerSecond, 5000, 16)).toBe(32);
    expect(leaseSize(tenPerSecond, 5000, 40)).toBe(50);
  });

  it('shrinks after a lease mostly wasted, never below one', () => {
    expect(leaseSize(tenPerSecond, 5000, 3)).toBe(6);
    expect(leaseSize(tenPerSecond, 5000, 0)).toBe(1);
  });

  it('is one (the exact path) for a limit that accrues less than two requests per lease, and never above the burst', () => {
    expect(leaseSize({ requests: 10, perSeconds: 60 }, 5, 100)).toBe(1);
    expect(leaseSize({ requests: 5, perSeconds: 1 }, 10_000, 100)).toBe(5);
  });
});
