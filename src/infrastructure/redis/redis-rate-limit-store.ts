import type { Redis } from 'ioredis';
import type { CounterSeries } from '../../shared/metrics/metrics.port.js';
import { gcra, type RateDecision, type RateLimit } from '../../shared/rate-limit/gcra.js';
import type { RateLimitSharing, RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import { RateLimiter } from '../../shared/rate-limit/rate-limiter.js';
import { GCRA_SCRIPT } from './gcra-script.js';
import { closeRedis } from './redis-connection.js';

type GcraReply = [admitted: number, storedTat: string, nowMs: number];
type WithGcra = Redis & { parsesphereGcra(key: string, intervalMs: string, windowMs: string): Promise<GcraReply> };

const KEY_PREFIX = 'parsesphere:rate:';
const SWEEP_EVERY = 10_000;

export type RedisLog = (level: 'warn' | 'log', message: string) => void;

/** Counted when Redis cannot answer: each outage once, and every request decided per instance meanwhile. */
export interface FallbackCounters {
  readonly fallbacks: CounterSeries;
  readonly perInstanceDecisions: CounterSeries;
}

class Tally implements CounterSeries {
  value = 0;

  inc(by = 1): void {
    this.value += by;
  }
}

/**
 * Limits shared by every instance: one atomic GCRA step in Redis per request (EVALSHA, auto-pipelined), so
 * the count is exact whatever the number of instances. When Redis cannot answer (down, or slower than the
 * command timeout) the request is decided by this instance's own limiter, which has counted what this
 * instance admitted all along; the next request tries Redis again, so sharing resumes by itself.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: WithGcra;
  private readonly local: RateLimiter;
  /** Subjects Redis refused, with the time before which nothing can be admitted: refused without a round trip. */
  private readonly refusedUntil = new Map<string, { until: number; decision: RateDecision }>();
  private decisionsSinceSweep = 0;
  private state: RateLimitSharing = { mode: 'shared' };

  constructor(
    redis: Redis,
    private readonly log: RedisLog,
    private readonly now: () => number = Date.now,
    private readonly counters: FallbackCounters = { fallbacks: new Tally(), perInstanceDecisions: new Tally() },
  ) {
    redis.defineCommand('parsesphereGcra', { numberOfKeys: 1, lua: GCRA_SCRIPT });
    this.redis = redis as WithGcra;
    this.local = new RateLimiter(now);
  }

  async consume(subject: string, limit: RateLimit): Promise<RateDecision> {
    const now = this.now();
    const refused = this.knownRefused(subject, now);
    if (refused) return refused;
    if (this.redis.status !== 'ready') {
      this.reportUnavailable(`Redis connection is ${this.redis.status}`);
      return this.decideAlone(subject, limit);
    }
    let reply: GcraReply;
    try {
      const interval = (limit.perSeconds * 1000) / limit.requests;
      reply = await this.redis.parsesphereGcra(KEY_PREFIX + subject, String(interval), String(limit.perSeconds * 1000));
    } catch (error) {
      this.reportUnavailable(error instanceof Error ? error.message : String(error));
      return this.decideAlone(subject, limit);
    }
    this.shared();
    const [, storedTat, redisNow] = reply;
    const decision = gcra(limit, storedTat === '' ? undefined : Number(storedTat), Number(redisNow));
    if (decision.allowed) {
      // Keeps this instance's own count current, for the requests it may have to decide alone.
      this.local.consume(subject, limit);
    } else {
      this.refusedUntil.set(subject, { until: this.now() + decision.nextAllowedInMs, decision });
    }
    this.sweepNowAndThen(now);
    return decision;
  }

  sharing(): RateLimitSharing {
    return this.state;
  }

  /** The store owns its connection. */
  async close(): Promise<void> {
    await closeRedis(this.redis);
  }

  private decideAlone(subject: string, limit: RateLimit): RateDecision {
    this.counters.perInstanceDecisions.inc();
    return this.local.consume(subject, limit);
  }

  private knownRefused(subject: string, now: number): RateDecision | null {
    const known = this.refusedUntil.get(subject);
    if (!known) return null;
    if (known.until <= now) {
      this.refusedUntil.delete(subject);
      return null;
    }
    const elapsedSeconds = (now - (known.until - known.decision.nextAllowedInMs)) / 1000;
    return {
      ...known.decision,
      resetSeconds: Math.max(0, Math.ceil(known.decision.resetSeconds - elapsedSeconds)),
      retryAfterSeconds: Math.max(1, Math.ceil((known.until - now) / 1000)),
      nextAllowedInMs: known.until - now,
    };
  }

  /** Per-instance decisions from now until Redis answers again; logged once per outage. */
  reportUnavailable(reason: string): void {
    if (this.state.mode === 'per-instance') return;
    this.state = { mode: 'per-instance', reason, since: new Date(this.now()).toISOString() };
    this.counters.fallbacks.inc();
    this.log('warn', `Redis unavailable (${reason}): rate limits are counted per instance until it answers again`);
  }

  private shared(): void {
    if (this.state.mode === 'shared') return;
    this.state = { mode: 'shared' };
    this.log('log', 'Redis answers again: rate limits are shared by every instance');
  }

  private sweepNowAndThen(now: number): void {
    if (++this.decisionsSinceSweep < SWEEP_EVERY) return;
    this.decisionsSinceSweep = 0;
    for (const [subject, { until }] of this.refusedUntil) if (until <= now) this.refusedUntil.delete(subject);
  }
}
