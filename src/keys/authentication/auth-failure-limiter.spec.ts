import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { InProcessRateLimitStore } from '../../infrastructure/in-memory/in-process-rate-limit-store.js';
import { Environment } from '../../shared/config/environment.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import type { RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import { AuthenticationMetrics } from './authentication-metrics.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';

describe('AuthFailureLimiter', () => {
  const config = Object.assign(new Environment(), { AUTH_FAILURE_LIMIT: 3, AUTH_FAILURE_WINDOW_SECONDS: 60 });
  const metrics = () => new AuthenticationMetrics(NO_METRICS);
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('blocks an address once its failures are used up, until one more is allowed, without asking the store', async () => {
    const store = new InProcessRateLimitStore();
    const consume = jest.spyOn(store, 'consume');
    const limiter = new AuthFailureLimiter(config, store, metrics());
    for (let i = 0; i < 2; i++) await limiter.recordFailure('203.0.113.7');
    expect(limiter.check('203.0.113.7')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    await limiter.recordFailure('203.0.113.7');
    expect(limiter.check('203.0.113.7')).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.check('198.51.100.1').allowed).toBe(true);
    expect(consume).toHaveBeenCalledTimes(3);
    jest.advanceTimersByTime(19_999);
    expect(limiter.check('203.0.113.7').allowed).toBe(false);
    jest.advanceTimersByTime(1);
    expect(limiter.check('203.0.113.7').allowed).toBe(true);
  });

  it('unblocks an address when its window has passed, even if the wall clock stepped back meanwhile', async () => {
    const limiter = new AuthFailureLimiter(config, new InProcessRateLimitStore(), metrics());
    for (let i = 0; i < 3; i++) await limiter.recordFailure('203.0.113.7');
    expect(limiter.check('203.0.113.7').allowed).toBe(false);
    jest.setSystemTime(Date.now() - 3_600_000); // NTP steps the clock back an hour; the monotonic clock goes on
    jest.advanceTimersByTime(20_000);
    expect(limiter.check('203.0.113.7')).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });

  it('counts one address however it is spelled: IPv4-mapped, upper case, zeros written out', async () => {
    const limiter = new AuthFailureLimiter(config, new InProcessRateLimitStore(), metrics());
    for (const spelling of ['192.0.2.44', '::ffff:192.0.2.44', '::FFFF:c000:22c']) await limiter.recordFailure(spelling);
    for (const spelling of ['192.0.2.44', '::ffff:192.0.2.44', '::ffff:c000:22c']) expect(limiter.check(spelling).allowed).toBe(false);
    for (const spelling of ['2001:db8::77', '2001:DB8::77', '2001:db8:0:0::77']) await limiter.recordFailure(spelling);
    for (const spelling of ['2001:db8::77', '2001:0db8:0000::0077']) expect(limiter.check(spelling).allowed).toBe(false);
    expect(limiter.check('2001:db8:0:1::77').allowed).toBe(true);
  });

  it('limits an IPv6 /48 as a whole too: spread over its /64s, each under its own limit, its holder is still refused', async () => {
    // Measured before: 20 failures from each of 30 /64s of 2001:db8::/48, 600 in all, and not one 429.
    const limiter = new AuthFailureLimiter(Object.assign(new Environment(), { ...config, AUTH_FAILURE_NETWORK_LIMIT: 6 }), new InProcessRateLimitStore(), metrics());
    for (let n = 1; n <= 3; n++) for (let i = 0; i < 2; i++) await limiter.recordFailure(`2001:db8:0:${n}::1`);
    for (let n = 1; n <= 3; n++) expect(limiter.check(`2001:db8:0:${n}::1`)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    // A fourth /64 of the holder's is refused from its first failure on, though its own count (1 of 3) is not spent.
    await limiter.recordFailure('2001:db8:0:4::1');
    expect(limiter.check('2001:db8:0:4::1')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.check('2001:db8:1::1').allowed).toBe(true);
    expect(limiter.check('203.0.113.7').allowed).toBe(true);
    jest.advanceTimersByTime(10_000);
    expect(limiter.check('2001:db8:0:4::1').allowed).toBe(true);
  });

  // The security audit of 2026-12-07: a /48 is no single site. An Amazon-provided VPC block is a /56 (a /48 holds 256
  // VPCs of unrelated customers), and a mobile network gives each device a /64 (RFC 7934, section 2). Past the /48's
  // limit every /64 of it got 429, so one tenant failing 200 times a minute locked every other one out, a good key
  // included, here and on POST /v1/keys/verify (RATE_LIMITED for a gateway's end clients).
  it("leaves a /64 that has not failed in the window to its own count while its /48 is blocked: a neighbour's good key is served", async () => {
    const limiter = new AuthFailureLimiter(Object.assign(new Environment(), { ...config, AUTH_FAILURE_NETWORK_LIMIT: 6 }), new InProcessRateLimitStore(), metrics());
    for (let n = 1; n <= 3; n++) for (let i = 0; i < 2; i++) await limiter.recordFailure(`2001:db8:0:${n}::1`);
    expect(limiter.check('2001:db8:0:1::1').allowed).toBe(false);
    expect(limiter.check('2001:db8:0:ffff::1')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(limiter.check('2001:db8:0:ffff::2').allowed).toBe(true);
    // A failure of the same /64 on another instance is not known here: that instance refuses it, this one at its next.
    jest.advanceTimersByTime(60_000);
    for (let n = 1; n <= 3; n++) expect(limiter.check(`2001:db8:0:${n}::1`).allowed).toBe(true);
  });

  it('counts IPv4 addresses one by one, with no limit on their /24', async () => {
    const limiter = new AuthFailureLimiter(Object.assign(new Environment(), { ...config, AUTH_FAILURE_NETWORK_LIMIT: 2 }), new InProcessRateLimitStore(), metrics());
    for (let n = 1; n <= 5; n++) await limiter.recordFailure(`198.51.100.${n}`);
    expect(limiter.check('198.51.100.9').allowed).toBe(true);
  });

  it('counts an IPv6 client by its /64, of which it may use any address: rotating them gains nothing', async () => {
    const warnings: unknown[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((line: unknown) => void warnings.push(line));
    const limiter = new AuthFailureLimiter(config, new InProcessRateLimitStore(), metrics());
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2:ffff::2', '2001:db8:1:2:a:b:c:d']) await limiter.recordFailure(address);
    expect(limiter.check('2001:db8:1:2::99').allowed).toBe(false);
    expect(limiter.check('2001:db8:1:3::1').allowed).toBe(true);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'failed-auth burst', address: '2001:db8:1:2::/64' })]);
  });

  it('learns of a block counted by other instances at its own next failure', async () => {
    const shared = new InProcessRateLimitStore();
    const here = new AuthFailureLimiter(config, shared, metrics());
    const elsewhere = new AuthFailureLimiter(config, shared as RateLimitStore, metrics());
    for (let i = 0; i < 3; i++) await elsewhere.recordFailure('203.0.113.7');
    expect(here.check('203.0.113.7').allowed).toBe(true);
    await here.recordFailure('203.0.113.7');
    expect(here.check('203.0.113.7').allowed).toBe(false);
  });

  it('logs a failed-auth burst once, when an address spends its last allowed failure', async () => {
    const warnings: unknown[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((line: unknown) => void warnings.push(line));
    const limiter = new AuthFailureLimiter(config, new InProcessRateLimitStore(), metrics());
    for (let i = 0; i < 2; i++) await limiter.recordFailure('192.0.2.1');
    expect(warnings).toEqual([]);
    await limiter.recordFailure('192.0.2.1');
    expect(limiter.check('192.0.2.1').allowed).toBe(false);
    await limiter.recordFailure('192.0.2.1');
    await limiter.recordFailure('192.0.2.2');
    // What the blocked address is told: one more failure is allowed in 20 s (not 60 s, when the whole quota is back).
    expect(warnings).toEqual([{ msg: 'failed-auth burst', address: '192.0.2.1', failures: 3, windowSeconds: 60, retryAfterSeconds: 20 }]);
  });

  it('logs a burst with no more of the address than RECORD_CLIENT_ADDRESS records (docs/personal-data.md), and blocks the address all the same', async () => {
    const warnings: unknown[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((line: unknown) => void warnings.push(line));
    for (const mode of ['network', 'none'] as const) {
      const limiter = new AuthFailureLimiter(Object.assign(new Environment(), { ...config, RECORD_CLIENT_ADDRESS: mode }), new InProcessRateLimitStore(), metrics());
      for (let i = 0; i < 3; i++) await limiter.recordFailure('203.0.113.7');
      expect(limiter.check('203.0.113.7').allowed).toBe(false);
      expect(limiter.check('203.0.113.8').allowed).toBe(true);
    }
    expect(warnings).toEqual([
      expect.objectContaining({ msg: 'failed-auth burst', address: '203.0.113.0' }),
      expect.objectContaining({ msg: 'failed-auth burst', address: null }),
    ]);
  });
});
