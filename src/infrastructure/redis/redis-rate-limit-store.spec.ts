import type { Redis } from 'ioredis';
import { gcra } from '../../shared/rate-limit/gcra.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import { type FallbackCounters, RedisRateLimitStore } from './redis-rate-limit-store.js';

/** Stands in for Redis: runs the script's step on a map, on the test's clock, or fails like a timed-out command. */
class FakeRedis {
  status = 'ready';
  failing: Error | null = null;
  calls = 0;
  private readonly tats = new Map<string, string>();

  constructor(private readonly clock: { now: number }) {}

  defineCommand(name: string): void {
    Object.assign(this, {
      [name]: async (key: string, interval: string, window: string) => {
        this.calls++;
        if (this.failing) throw this.failing;
        const stored = this.tats.get(key) ?? '';
        const decision = gcra(
          { requests: Number(window) / Number(interval), perSeconds: Number(window) / 1000 },
          stored === '' ? undefined : Number(stored),
          this.clock.now,
        );
        if (decision.allowed) this.tats.set(key, decision.tat.toFixed(3));
        return [decision.allowed ? 1 : 0, stored, this.clock.now];
      },
    });
  }
}

describe('RedisRateLimitStore', () => {
  const limit = { requests: 4, perSeconds: 60 };
  let clock: { now: number };
  let redis: FakeRedis;
  let logs: string[];
  let counters: FallbackCounters;
  let store: RedisRateLimitStore;
  const consume = (times: number, subject = 'key:a') =>
    Array.from({ length: times }).reduce<Promise<boolean[]>>(
      async (done) => [...(await done), (await store.consume(subject, limit)).allowed],
      Promise.resolve([]),
    );

  beforeEach(() => {
    clock = { now: 1_000_000 };
    redis = new FakeRedis(clock);
    logs = [];
    counters = { fallbacks: NO_METRICS.counter({ name: 'f', help: '' }).series({}), perInstanceDecisions: NO_METRICS.counter({ name: 'p', help: '' }).series({}) };
    store = new RedisRateLimitStore(redis as unknown as Redis, (level, message) => logs.push(`${level}: ${message}`), () => clock.now, counters);
  });

  it('decides with the shared state while Redis answers', async () => {
    expect(await consume(5)).toEqual([true, true, true, true, false]);
    expect(store.sharing()).toEqual({ mode: 'shared' });
    expect(logs).toEqual([]);
  });

  it('refuses without a round trip until the next request could be admitted, then asks again', async () => {
    await consume(5);
    const calls = redis.calls;
    expect(await consume(3)).toEqual([false, false, false]);
    expect(redis.calls).toBe(calls);
    clock.now += 15_000;
    expect(await consume(3)).toEqual([true, false, false]);
    // One round trip admits, the next learns of the refusal, the third is refused from what that taught.
    expect(redis.calls).toBe(calls + 2);
  });

  it('falls back to this instance\'s own count when a command fails, logging once, and shares again when Redis answers', async () => {
    expect(await consume(2)).toEqual([true, true]);
    redis.failing = new Error('Command timed out');
    // This instance admitted 2 of 4: alone it admits the 2 left, not a fresh 4.
    expect(await consume(3)).toEqual([true, true, false]);
    expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'Command timed out' });
    redis.failing = null;
    expect(await consume(1, 'key:b')).toEqual([true]);
    expect(store.sharing()).toEqual({ mode: 'shared' });
    // One outage, three requests decided alone; the request after it went to Redis again.
    expect([counters.fallbacks.value, counters.perInstanceDecisions.value]).toEqual([1, 3]);
    redis.failing = new Error('Connection is closed.');
    await consume(1, 'key:c');
    expect([counters.fallbacks.value, counters.perInstanceDecisions.value]).toEqual([2, 4]);
    expect(logs).toEqual([
      'warn: Redis unavailable (Command timed out): rate limits are counted per instance until it answers again',
      'log: Redis answers again: rate limits are shared by every instance',
      'warn: Redis unavailable (Connection is closed.): rate limits are counted per instance until it answers again',
    ]);
  });

  it('does not even try while the connection is down', async () => {
    redis.status = 'reconnecting';
    expect(await consume(5)).toEqual([true, true, true, true, false]);
    expect(redis.calls).toBe(0);
    expect([counters.fallbacks.value, counters.perInstanceDecisions.value]).toEqual([1, 5]);
    expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'Redis connection is reconnecting' });
    expect(logs).toHaveLength(1);
  });
});
