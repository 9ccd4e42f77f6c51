import { EventEmitter } from 'node:events';
import { jest } from '@jest/globals';
import type { Redis } from 'ioredis';
import { admissible, levelAt } from '../../shared/rate-limit/gcra.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import { type FallbackCounters, PROBE_EVERY_MS, RedisRateLimitStore } from './redis-rate-limit-store.js';

/** Stands in for Redis: runs the scripts' step on a map, on the test's clock, or fails like a timed-out command. */
class FakeRedis extends EventEmitter {
  status = 'ready';
  failing: Error | null = null;
  calls = 0;
  private readonly states = new Map<string, string>();

  constructor(private readonly clock: { now: number }) {
    super();
  }

  defineCommand(name: string): void {
    Object.assign(this, {
      [name]: async (key: string, requests: string, interval: string, wanted = '1') => {
        this.calls++;
        if (key.endsWith(':probe')) this.probes++;
        // Answered late: the reply waits for the test (a command sent while Redis answered about its timeout).
        if (this.held) await this.held;
        if (this.failing) throw this.failing;
        if (name === 'parsesphereGcraReserve' && this.failingReserves > 0) {
          this.failingReserves--;
          throw new Error('Command timed out');
        }
        const stored = this.states.get(key) ?? '';
        const now = this.clock.now;
        const limit = { requests: Number(requests), perSeconds: (Number(requests) * Number(interval)) / 1000 };
        const [spent, at, intervalMs] = stored.split(' ').map(Number);
        const level = levelAt(limit, stored === '' ? undefined : { level: spent, at, intervalMs }, now);
        if (name === 'parsesphereGcraSeed') {
          if (Number(wanted) <= level) return 0;
          this.states.set(key, `${wanted} ${now} ${interval}`);
          return 1;
        }
        if (name === 'parsesphereGcraRelease') {
          if (stored === '') return 0;
          this.released.push(Number(wanted));
          this.states.set(key, `${Math.max(0, level - Number(wanted))} ${now} ${interval}`);
          return 0;
        }
        const granted = admissible(limit, level, Number(wanted));
        if (granted < 1) return [0, stored, now];
        this.states.set(key, `${level + granted} ${now} ${interval}`);
        if (name === 'parsesphereGcraReserve') this.reserved.push(granted);
        return [granted, stored, now];
      },
    });
  }

  released: number[] = [];
  probes = 0;
  /** While set, each command sent waits for it before answering. */
  held: Promise<void> | null = null;
  /** How many reservations (the write-back's command) fail next, the probe answering meanwhile. */
  failingReserves = 0;

  /** What INFO server says of the server's mode. */
  mode = 'standalone';
  /** INFO's own failure (a timeout under load), apart from the scripts'. */
  infoFailing: Error | null = null;
  async info(): Promise<string> {
    if (this.infoFailing) throw this.infoFailing;
    return `# Server\r\nredis_version:7.0.15\r\nredis_mode:${this.mode}\r\nrun_id:${this.runId}\r\n`;
  }

  /** INFO's run_id: another one is a restart. */
  runId = 'a1';
  /** A restart without persistence: every state gone. */
  flush(): void {
    this.states.clear();
  }

  /** Answers while the connection is up, whatever the scripts do (a Redis out of memory answers PING too). */
  async ping(): Promise<string> {
    return 'PONG';
  }
  reserved: number[] = [];

  async quit(): Promise<string> {
    this.status = 'end';
    this.emit('close');
    return 'OK';
  }
}

/** An error as ioredis emits it: a reply of Redis's (ReplyError) or a socket's (with its syscall). */
const replyError = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
/** Lets the checks a 'ready' starts (INFO, then the probe's script, on the fake) finish. */
const settled = () => new Promise((resolve) => setImmediate(resolve));
const socketError = (message: string, code: string) => Object.assign(new Error(message), { code, syscall: 'connect' });

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
    store = new RedisRateLimitStore(redis as unknown as Redis, (level, message) => logs.push(`${level}: ${message}`), { now: () => clock.now, counters });
  });
  afterEach(() => jest.useRealTimers());

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

  it('asks Redis again, without the refusal it remembers, once this clock has stepped back before that refusal', async () => {
    await consume(5);
    clock.now -= 3_600_000;
    const calls = redis.calls;
    await consume(1);
    // Without it: refused from memory for the hour of the step, Redis never asked.
    expect(redis.calls).toBe(calls + 1);
  });

  it('asks again at once, without the refusal it remembers, when the limit changed', async () => {
    await consume(5);
    const calls = redis.calls;
    expect((await store.consume('key:a', { requests: 100, perSeconds: 60 })).allowed).toBe(true);
    expect(redis.calls).toBe(calls + 1);
  });

  it('falls back to this instance\'s own count when a command fails, logging once, and shares again when the probe answers', async () => {
    jest.useFakeTimers({ now: clock.now });
    expect(await consume(2)).toEqual([true, true]);
    redis.failing = new Error('Command timed out');
    const calls = redis.calls;
    // This instance admitted 2 of 4: alone it admits the 2 left, not a fresh 4.
    expect(await consume(3)).toEqual([true, true, false]);
    expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'Command timed out' });
    // Only the first waited for Redis: the outage known, the others did not pay its timeout.
    expect(redis.calls).toBe(calls + 1);
    redis.failing = null;
    expect(await consume(1, 'key:b')).toEqual([true]);
    expect(store.sharing()).toMatchObject({ mode: 'per-instance' });
    await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(store.sharing()).toEqual({ mode: 'shared' });
    const shared = redis.calls;
    expect(await consume(1, 'key:b')).toEqual([true]);
    expect(redis.calls).toBe(shared + 1);
    // One outage, four requests decided alone.
    expect([counters.fallbacks.value, counters.perInstanceDecisions.value]).toEqual([1, 4]);
    redis.failing = new Error('Connection is closed.');
    await consume(1, 'key:c');
    expect([counters.fallbacks.value, counters.perInstanceDecisions.value]).toEqual([2, 5]);
    expect(logs).toEqual([
      'warn: Redis unavailable (Command timed out): rate limits are counted per instance until it answers again',
      'log: Redis answers again: rate limits are shared by every instance',
      'warn: Redis unavailable (Connection is closed.): rate limits are counted per instance until it answers again',
    ]);
  });

  // A Redis busy 130 ms every 400 ms (a Lua script spinning): the reply to a command sent before another timed out
  // ended the outage 25 to 90 ms after it began, 8 outages in 12 s on one instance, 2 lines and a fallback each.
  it('ends an outage only when the probe answers, not at a late reply to a command sent before it began', async () => {
    jest.useFakeTimers({ now: clock.now });
    let answerLate!: () => void;
    redis.held = new Promise((resolve) => (answerLate = resolve));
    const late = store.consume('key:a', limit);
    redis.held = null;
    redis.failing = new Error('Command timed out');
    await store.consume('key:b', limit);
    redis.failing = null;
    answerLate();
    expect((await late).allowed).toBe(true);
    expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'Command timed out' });
    // Until the probe: decided alone, without a round trip that could time out again.
    const calls = redis.calls;
    expect(await consume(1, 'key:c')).toEqual([true]);
    expect(redis.calls).toBe(calls);
    await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(store.sharing()).toEqual({ mode: 'shared' });
    expect(counters.fallbacks.value).toBe(1);
    expect(logs).toEqual([
      'warn: Redis unavailable (Command timed out): rate limits are counted per instance until it answers again',
      'log: Redis answers again: rate limits are shared by every instance',
    ]);
  });

  // Redis killed under load for 30 s: "Redis answers again" said nothing of how long it had been down, where the store
  // monitor's `store recovered` says `downSeconds`; the outage's start was to be found among 40,000 access lines.
  it('says how long the outage lasted when Redis answers again', async () => {
    jest.useFakeTimers({ now: clock.now });
    const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
    const timed = new RedisRateLimitStore(redis as unknown as Redis, (level, message, fields) => lines.push({ level, message, fields }), { now: () => clock.now, counters });
    redis.failing = new Error('Command timed out');
    await timed.consume('key:a', limit);
    redis.failing = null;
    clock.now += 31_400;
    await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(timed.sharing()).toEqual({ mode: 'shared' });
    expect(lines.map(({ level, fields }) => [level, fields])).toEqual([
      ['warn', undefined],
      ['log', { downSeconds: 31 }],
    ]);
  });

  // A burst of key creations blocked the event loop up to 770 ms while Redis answered in 40 µs: 'Redis unavailable
  // (Command timed out)' 6 times in 12 s sent the on-call to a Redis that was fine.
  it('says a timeout that came while its own event loop was not blocked past the command timeout', async () => {
    const lines: string[] = [];
    const busy = new RedisRateLimitStore(redis as unknown as Redis, (level, message) => lines.push(`${level}: ${message}`), { now: () => clock.now, counters, recentLoopStallMs: () => 40 });
    redis.failing = new Error('Command timed out');
    await busy.consume('key:a', limit);
    expect(lines).toEqual(['warn: Redis unavailable (Command timed out): rate limits are counted per instance until it answers again']);
    await busy.close();
  });

  // A client's burst of key creations (56 a second over two instances) stalled their loops 123-394 ms: each stall an
  // outage of about a second, counted per instance, and a key of 10 a minute verified 22 times in 10 s instead of 11.
  it('starts no outage for a timeout its own blocked event loop caused: the next request asks Redis, which knows the key used up', async () => {
    const lines: string[] = [];
    const busy = new RedisRateLimitStore(redis as unknown as Redis, (level, message) => lines.push(`${level}: ${message}`), { now: () => clock.now, counters, recentLoopStallMs: () => 770 });
    // Another instance used the key up.
    expect(await consume(5)).toEqual([true, true, true, true, false]);
    redis.failing = new Error('Command timed out');
    // This one request is decided by this instance's own count (it admitted none of the four).
    expect((await busy.consume('key:a', limit)).allowed).toBe(true);
    redis.failing = null;
    expect(busy.sharing()).toEqual({ mode: 'shared' });
    // Per instance (an outage) it would admit 2 more of its own 4; shared, Redis refuses.
    expect((await busy.consume('key:a', limit)).allowed).toBe(false);
    expect(lines).toEqual([]);
    await busy.close();
  });

  it('spends in Redis what it admitted alone once Redis answers again, so a stall does not double the window', async () => {
    jest.useFakeTimers({ now: clock.now });
    redis.failing = new Error('Command timed out');
    expect(await consume(3)).toEqual([true, true, true]);
    redis.failing = null;
    await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(store.sharing()).toEqual({ mode: 'shared' });
    // Redis had seen none of the three: without them it would admit a fresh 4.
    expect(await consume(3)).toEqual([true, false, false]);
  });

  it('spends again, at the end of the next outage, what a write-back that failed did not', async () => {
    jest.useFakeTimers({ now: clock.now });
    redis.failing = new Error('Command timed out');
    expect(await consume(3)).toEqual([true, true, true]);
    redis.failing = null;
    redis.failingReserves = 1;
    await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'Command timed out' });
    await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(store.sharing()).toEqual({ mode: 'shared' });
    expect(redis.reserved).toEqual([3]);
    expect(await consume(3)).toEqual([true, false, false]);
  });

  it('spends in Redis only what has not drained since: the uses of an outage long over do not refuse the key now', async () => {
    jest.useFakeTimers({ now: clock.now });
    redis.failing = new Error('Command timed out');
    expect(await consume(3)).toEqual([true, true, true]);
    // 30 s at 4 a minute drains 2 of the 3: one is still in the window.
    clock.now += 30_000;
    redis.failing = null;
    await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(store.sharing()).toEqual({ mode: 'shared' });
    expect(redis.reserved).toEqual([1]);
    expect(await consume(4)).toEqual([true, true, true, false]);
  });

  it('keeps what it admitted alone only while it has not drained: a long outage meets many subjects', async () => {
    redis.status = 'reconnecting';
    for (let i = 0; i < 30_000; i++) {
      clock.now += 100;
      await store.consume(`address:${i}`, { requests: 10, perSeconds: 1 });
    }
    // 10 a second drains one in 100 ms: only those of the last sweep's stretch are kept, not 30,000.
    expect(store['admittedAlone'].size).toBeLessThanOrEqual(10_000);
  });

  it('does not even try while the connection is down', async () => {
    redis.status = 'reconnecting';
    expect(await consume(5)).toEqual([true, true, true, true, false]);
    expect(redis.calls).toBe(0);
    expect([counters.fallbacks.value, counters.perInstanceDecisions.value]).toEqual([1, 5]);
    expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'Redis connection is reconnecting' });
    expect(logs).toHaveLength(1);
  });

  // A key of 10 an hour used up on three instances, Redis restarted without persistence: 0 more while the instances
  // remembered their refusals, then 10 more in the same hour once those ended (360 s later).
  it('restores what it admitted itself once Redis restarted empty (another run_id), so a key used up gets no fresh window', async () => {
    expect(await consume(4)).toEqual([true, true, true, true]);
    const reconnect = async (runId: string) => {
      redis.status = 'reconnecting';
      redis.emit('close');
      redis.runId = runId;
      redis.status = 'ready';
      redis.emit('ready');
      await settled();
      await settled();
    };
    await reconnect('a1');
    expect(store.sharing()).toEqual({ mode: 'shared' });
    redis.flush();
    await reconnect('b2');
    expect(store.sharing()).toEqual({ mode: 'shared' });
    expect(await consume(1)).toEqual([false]);
    expect(logs.filter((line) => line.includes('restarted'))).toEqual(["log: Redis restarted (another run_id): 1 subjects' counts restored from this instance's own"]);
  });

  it('says it shares again as soon as the connection is ready again, before any request', async () => {
    redis.status = 'reconnecting';
    await consume(1);
    expect(store.sharing()).toMatchObject({ mode: 'per-instance' });
    redis.status = 'ready';
    redis.emit('ready');
    await settled();
    expect(store.sharing()).toEqual({ mode: 'shared' });
    expect(logs).toEqual([
      'warn: Redis unavailable (Redis connection is reconnecting): rate limits are counted per instance until it answers again',
      'log: Redis answers again: rate limits are shared by every instance',
    ]);
    // A ready while already shared says nothing.
    redis.emit('ready');
    await settled();
    expect(logs).toHaveLength(2);
  });

  it('stays per instance when the reconnected connection is to a read-only replica (a failover behind the same name)', async () => {
    jest.useFakeTimers({ now: clock.now });
    redis.status = 'reconnecting';
    redis.emit('close');
    redis.failing = replyError("READONLY You can't write against a read only replica.");
    redis.status = 'ready';
    redis.emit('ready');
    await jest.advanceTimersByTimeAsync(0);
    // Without the check: "Redis answers again" and readiness `shared`, until a request met READONLY.
    expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: "READONLY You can't write against a read only replica." });
    expect(logs).toEqual([
      'warn: Redis unavailable (connection to Redis closed): rate limits are counted per instance until it answers again',
      "warn: Redis still unavailable (READONLY You can't write against a read only replica.): rate limits are counted per instance until it answers again",
    ]);
    // Promoted (REPLICAOF NO ONE) without a reconnection: the probe ends the outage.
    redis.failing = null;
    await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(store.sharing()).toEqual({ mode: 'shared' });
  });

  it('says at once, when the first connection is to a read-only replica, instead of shared until a request', async () => {
    redis.failing = replyError("READONLY You can't write against a read only replica.");
    redis.emit('ready');
    await settled();
    expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: "READONLY You can't write against a read only replica." });
  });

  it('refuses a Cluster node once its INFO answers, when the INFO of its ready timed out (a loaded instance)', async () => {
    jest.useFakeTimers({ now: clock.now });
    redis.mode = 'cluster';
    redis.infoFailing = new Error('Command timed out');
    redis.emit('ready');
    await jest.advanceTimersByTimeAsync(0);
    expect(store.sharing()).toEqual({ mode: 'shared' });
    redis.failing = replyError('MOVED 7080 127.0.0.1:56271');
    await consume(1);
    redis.failing = null;
    redis.infoFailing = null;
    await jest.advanceTimersByTimeAsync(3 * PROBE_EVERY_MS);
    // Without INFO in the probe: its key's slot on this node, "Redis answers again" within a second.
    expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: expect.stringContaining('Redis Cluster') });
    expect(logs).toHaveLength(2);
  });

  it('asks a ready connection again a second later when its INFO timed out, and refuses a Cluster node then, without a request', async () => {
    jest.useFakeTimers({ now: clock.now });
    redis.mode = 'cluster';
    redis.infoFailing = new Error('Command timed out');
    redis.emit('ready');
    await jest.advanceTimersByTimeAsync(0);
    redis.infoFailing = null;
    await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    // Without asking again: `shared` until a request of a key of another slot met MOVED.
    expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: expect.stringContaining('Redis Cluster') });
    expect(logs).toHaveLength(1);
  });

  it('decides nothing on a ready whose probe times out (a start keeping the event loop busy)', async () => {
    redis.failing = new Error('Command timed out');
    redis.emit('ready');
    await settled();
    expect(store.sharing()).toEqual({ mode: 'shared' });
    expect(logs).toEqual([]);
  });

  it.each([
    ['cluster', 'REDIS_URL is a node of a Redis Cluster (redis_mode:cluster), which is not supported'],
    ['sentinel', 'REDIS_URL is a Redis Sentinel (redis_mode:sentinel), which is not supported'],
  ])('refuses a Redis in %s mode for good, with one line that says so, however its probe fares', async (mode, reason) => {
    jest.useFakeTimers({ now: clock.now });
    redis.mode = mode;
    redis.emit('ready');
    await jest.advanceTimersByTimeAsync(0);
    expect(store.sharing()).toMatchObject({ mode: 'per-instance' });
    expect((store.sharing() as { reason: string }).reason).toContain(reason);
    // A Cluster node answers the probe's key when that key's slot is its own: until 2026-12-07 the probe then said
    // "answers again" and the next key of another slot (MOVED) "unavailable", once a second.
    await jest.advanceTimersByTimeAsync(5 * PROBE_EVERY_MS);
    redis.emit('ready');
    await jest.advanceTimersByTimeAsync(0);
    expect(await consume(5)).toEqual([true, true, true, true, false]);
    expect(store.sharing()).toMatchObject({ mode: 'per-instance' });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(reason);
    expect(counters.fallbacks.value).toBe(1);
  });

  describe('at start, while it waits for the first connection', () => {
    it('counts no outage for a handshake that timed out and was retried at once (a start keeping the event loop busy)', async () => {
      redis.status = 'connecting';
      const waited = store.waitForFirstConnection(1000);
      redis.emit('error', new Error('Command timed out'));
      redis.status = 'reconnecting';
      redis.emit('close');
      redis.status = 'ready';
      redis.emit('ready');
      await waited;
      expect(store.sharing()).toEqual({ mode: 'shared' });
      expect(logs).toEqual([]);
      expect(counters.fallbacks.value).toBe(0);
    });

    it('counts alone once the wait is over, saying the last error the connection met', async () => {
      redis.status = 'connecting';
      const waited = store.waitForFirstConnection(20);
      redis.emit('error', replyError('WRONGPASS invalid username-password pair or user is disabled.'));
      redis.status = 'reconnecting';
      redis.emit('close');
      expect(store.sharing()).toEqual({ mode: 'shared' });
      await waited;
      expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'WRONGPASS invalid username-password pair or user is disabled.' });
      expect(logs).toEqual(['warn: Redis unavailable (WRONGPASS invalid username-password pair or user is disabled.): rate limits are counted per instance until it answers again']);
      expect(counters.fallbacks.value).toBe(1);
      // From then on the connection's events are an outage's as ever.
      redis.status = 'ready';
      redis.emit('ready');
      await settled();
      expect(store.sharing()).toEqual({ mode: 'shared' });
    });

    it('says so when the connection met no error within the wait', async () => {
      redis.status = 'connecting';
      await store.waitForFirstConnection(20);
      expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'no connection within 20 ms, retrying' });
    });
  });

  describe('on an idle instance (no request to tell it)', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('says per-instance as soon as the connection closes, and keeps one line while the retries are refused', () => {
      redis.status = 'reconnecting';
      redis.emit('close');
      expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'connection to Redis closed' });
      redis.emit('error', socketError('connect ECONNREFUSED 127.0.0.1:6390', 'ECONNREFUSED'));
      redis.emit('close');
      redis.emit('error', socketError('connect ECONNREFUSED 127.0.0.1:6390', 'ECONNREFUSED'));
      // Readiness says why now; the log keeps one line for the outage.
      expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'connect ECONNREFUSED 127.0.0.1:6390' });
      expect(logs).toEqual(['warn: Redis unavailable (connection to Redis closed): rate limits are counted per instance until it answers again']);
      expect(counters.fallbacks.value).toBe(1);
    });

    it('says shared again after a stall as soon as a probe (the GCRA script) answers, and sends none while shared', async () => {
      jest.useFakeTimers();
      redis.failing = new Error('Command timed out');
      await consume(1);
      expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'Command timed out' });
      await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
      expect(redis.probes).toBe(1);
      expect(store.sharing()).toMatchObject({ mode: 'per-instance' });
      // Redis answers again; the connection never dropped, so no 'ready' tells it.
      redis.failing = null;
      await jest.advanceTimersByTimeAsync(PROBE_EVERY_MS);
      expect(store.sharing()).toEqual({ mode: 'shared' });
      expect(logs).toEqual([
        'warn: Redis unavailable (Command timed out): rate limits are counted per instance until it answers again',
        'log: Redis answers again: rate limits are shared by every instance',
      ]);
      await jest.advanceTimersByTimeAsync(10 * PROBE_EVERY_MS);
      expect(redis.probes).toBe(2);
    });

    it('stays per instance, logging nothing more, while Redis answers but refuses the script (out of memory)', async () => {
      jest.useFakeTimers();
      redis.failing = new Error('OOM command not allowed when used memory > maxmemory.');
      await consume(1);
      await jest.advanceTimersByTimeAsync(5 * PROBE_EVERY_MS);
      expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: 'OOM command not allowed when used memory > maxmemory.' });
      // Before, a PING probe said shared each second, and the next request started a new outage: a pair of lines a second.
      expect(logs).toHaveLength(1);
      expect(counters.fallbacks.value).toBe(1);
    });

    it('sends no probe while the connection is down: its ready says when Redis is back', async () => {
      jest.useFakeTimers();
      redis.status = 'reconnecting';
      redis.emit('close');
      await jest.advanceTimersByTimeAsync(3 * PROBE_EVERY_MS);
      expect(redis.probes).toBe(0);
    });

    it('logs nothing when its own stop closes the connection', async () => {
      await store.close();
      expect(store.sharing()).toEqual({ mode: 'shared' });
      expect(logs).toEqual([]);
    });
  });

  describe('when Redis refuses the connection', () => {
    it('says what Redis answered, once per outage and again when the answer changes', () => {
      const wrongPass = replyError('WRONGPASS invalid username-password pair or user is disabled.');
      redis.status = 'connecting';
      redis.emit('error', wrongPass);
      redis.emit('close');
      redis.emit('error', wrongPass);
      expect(store.sharing()).toMatchObject({ mode: 'per-instance', reason: wrongPass.message });
      // The password was changed on the server meanwhile: the same outage, another answer.
      redis.emit('error', replyError('NOAUTH Authentication required.'));
      redis.emit('error', socketError('connect ECONNREFUSED 127.0.0.1:6390', 'ECONNREFUSED'));
      redis.emit('error', replyError('NOAUTH Authentication required.'));
      expect(logs).toEqual([
        'warn: Redis unavailable (WRONGPASS invalid username-password pair or user is disabled.): rate limits are counted per instance until it answers again',
        'warn: Redis still unavailable (NOAUTH Authentication required.): rate limits are counted per instance until it answers again',
      ]);
      expect(counters.fallbacks.value).toBe(1);
    });

    it('never shows the URL, the user name or the password', () => {
      const connection = new FakeRedis(clock);
      const secretive = new RedisRateLimitStore(connection as unknown as Redis, (level, message) => logs.push(`${level}: ${message}`), {
        secrets: ['hunter2-password', 'admin-user'],
      });
      connection.emit('error', new Error('cannot use redis://admin-user:hunter2-password@cache:6379/1: user admin-user, password hunter2-password'));
      const { reason } = secretive.sharing() as { reason: string };
      expect(reason).toBe('cannot use [redacted] user [redacted], password [redacted]');
      expect(logs.join('\n')).not.toMatch(/hunter2|admin-user|redis:\/\//);
    });
  });

  describe('with leases (RATE_LIMIT_LEASE_MS)', () => {
    const fast = { requests: 600, perSeconds: 60 }; // 10 per second: 50 per 5-second lease
    let leased: RedisRateLimitStore;
    const spend = async (times: number, subject = 'key:f') => {
      const answers: boolean[] = [];
      for (let i = 0; i < times; i++) answers.push((await leased.consume(subject, fast)).allowed);
      return answers;
    };

    beforeEach(() => {
      leased = new RedisRateLimitStore(redis as unknown as Redis, (level, message) => logs.push(`${level}: ${message}`), { now: () => clock.now, counters, leaseMs: 5000 });
    });

    it('reserves a growing lease and spends it without a round trip, never admitting more than the limit', async () => {
      expect((await spend(7)).every(Boolean)).toBe(true);
      // Leases of 1, 2, 4: seven requests in three round trips.
      expect(redis.reserved).toEqual([1, 2, 4]);
      expect(redis.calls).toBe(3);
      // The burst is 600: whatever the leases, the 601st request within the same instant is refused.
      const rest = await spend(600);
      expect(rest.filter(Boolean)).toHaveLength(593);
      expect(rest.at(-1)).toBe(false);
      expect(redis.reserved.reduce((a, b) => a + b, 0)).toBe(600);
    });

    it('answers each leased request with the numbers of the exact path', async () => {
      const exact: number[] = [];
      for (let i = 0; i < 7; i++) exact.push((await store.consume('key:e', fast)).remaining);
      const fromLeases: number[] = [];
      for (let i = 0; i < 7; i++) fromLeases.push((await leased.consume('key:l', fast)).remaining);
      expect(fromLeases).toEqual(exact);
    });

    it('lets concurrent requests of a subject wait for one reservation instead of each making one', async () => {
      await spend(3); // leases of 1 and 2 spent: the next is 4
      const calls = redis.calls;
      const answers = await Promise.all(Array.from({ length: 4 }, () => leased.consume('key:f', fast)));
      expect(answers.every((a) => a.allowed)).toBe(true);
      expect(redis.calls).toBe(calls + 1);
    });

    it('drops what an expired lease left unspent and reserves again', async () => {
      await spend(3); // leases of 1, 2
      await spend(1); // lease of 4, 3 left
      clock.now += 5000;
      await spend(1);
      // The 3 left were lost; the new lease is sized by what was spent of the last one (1): 2.
      expect(redis.reserved).toEqual([1, 2, 4, 2]);
    });

    it('spends no lease reserved at another limit', async () => {
      await spend(3); // leases of 1 and 2
      await spend(1); // lease of 4, 3 left
      const calls = redis.calls;
      expect((await leased.consume('key:f', { requests: 1200, perSeconds: 60 })).allowed).toBe(true);
      // The 3 the lease left are given back, then a lease of the new limit is reserved.
      expect(redis.released).toEqual([3]);
      expect(redis.calls).toBe(calls + 2);
    });

    it('counts only the requests made against a lowered limit, not those its lease reserved', async () => {
      await spend(8); // leases of 1, 2, 4 and 8: 15 reserved, 8 made
      const lowered = { requests: 10, perSeconds: 60 };
      const answers: boolean[] = [];
      for (let i = 0; i < 3; i++) answers.push((await leased.consume('key:f', lowered)).allowed);
      // 8 made of 10: 2 more, as the exact path would say (before: refused at once, the 7 unspent counted).
      expect(answers).toEqual([true, true, false]);
    });

    it('keeps the exact path for a limit that accrues less than two requests per lease', async () => {
      for (let i = 0; i < 5; i++) await leased.consume('key:s', limit); // 4 per 60 s
      expect(redis.reserved).toEqual([]);
      expect(redis.calls).toBe(5);
    });

    it('decides per instance when a reservation fails, and counts it', async () => {
      redis.failing = new Error('Command timed out');
      expect(await spend(2)).toEqual([true, true]);
      expect(leased.sharing()).toMatchObject({ mode: 'per-instance' });
      expect([counters.fallbacks.value, counters.perInstanceDecisions.value]).toEqual([1, 2]);
    });
  });
});
