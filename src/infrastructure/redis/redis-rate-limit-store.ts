import type { Redis } from 'ioredis';
import { emissionIntervalMs, gcra, levelAt, type RateDecision, type RateLimit } from '../../shared/rate-limit/gcra.js';
import type { RateLimitSharing, RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import { RateLimiter } from '../../shared/rate-limit/rate-limiter.js';
import { errorMessage } from '../../shared/runtime/error-message.js';
import { AdmittedAlone, SWEEP_EVERY } from './admitted-alone.js';
import { type GcraReply, KEY_PREFIX, parseState, type WithGcra, withGcraCommands } from './gcra-commands.js';
import { KnownRefusals } from './known-refusals.js';
import { leaseSize, RateLease } from './rate-lease.js';
import { closeRedis } from './redis-connection.js';
import { type FallbackCounters, type RedisLog, type RedisRateLimitStoreOptions, uncountedFallbacks } from './redis-rate-limit-options.js';
import { RedisSharingState } from './redis-sharing-state.js';

export { PROBE_EVERY_MS } from './redis-sharing-state.js';
export type { FallbackCounters, RedisLog, RedisRateLimitStoreOptions } from './redis-rate-limit-options.js';

/** A subject's lease and the reservation in flight, which concurrent requests of the subject wait for instead of reserving too. */
interface LeaseSlot {
  lease: RateLease | null;
  reserving: Promise<unknown> | null;
}

/**
 * Limits shared by every instance: one atomic GCRA step in Redis per request (EVALSHA, auto-pipelined), so
 * the count is exact whatever the number of instances. When Redis cannot answer (down, or slower than the
 * command timeout) the request is decided by this instance's own limiter, which has counted what this
 * instance admitted all along, and so is every request until the outage ends (RedisSharingState: a reconnection,
 * or the GCRA script run on a probe key every PROBE_EVERY_MS; a request never waits out a timeout Redis is known
 * to cause); what it admitted alone is then spent in Redis (AdmittedAlone).
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: WithGcra;
  private readonly local: RateLimiter;
  private readonly refusals = new KnownRefusals();
  private decisionsSinceSweep = 0;
  private readonly admittedAlone: AdmittedAlone;
  private readonly sharingState: RedisSharingState;
  private readonly leases = new Map<string, LeaseSlot>();
  private readonly now: () => number;
  private readonly counters: FallbackCounters;
  private readonly leaseMs: number;

  constructor(redis: Redis, log: RedisLog, options: RedisRateLimitStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.counters = options.counters ?? uncountedFallbacks();
    this.leaseMs = options.leaseMs ?? 0;
    this.redis = withGcraCommands(redis);
    this.local = new RateLimiter(this.now);
    this.admittedAlone = new AdmittedAlone(this.local);
    this.sharingState = new RedisSharingState(this.redis, log, {
      now: this.now,
      fallbacks: this.counters.fallbacks,
      secrets: options.secrets ?? [],
      recentLoopStallMs: options.recentLoopStallMs ?? (() => 0),
      onShared: () => this.writeBackAdmittedAlone(),
      onRestarted: () => this.restoreOwnCounts(log),
    });
  }

  /** The start's wait for the first connection (RedisSharingState.waitForFirstConnection). */
  waitForFirstConnection(timeoutMs: number): Promise<void> {
    return this.sharingState.waitForFirstConnection(timeoutMs);
  }

  async consume(subject: string, limit: RateLimit): Promise<RateDecision> {
    const now = this.now();
    const refused = this.refusals.refusal(subject, limit, now);
    if (refused) return refused;
    const lease = this.leases.size === 0 ? undefined : this.leases.get(subject)?.lease;
    if (lease && !lease.isFor(limit)) await this.releaseUnspent(subject, limit, lease);
    if (this.leaseMs > 0 && leaseSize(limit, this.leaseMs, Number.POSITIVE_INFINITY) > 1) return this.consumeLeased(subject, limit);
    if (this.sharingState.outage()) return this.decideAlone(subject, limit);
    let reply: GcraReply;
    try {
      reply = await this.redis.parsesphereGcra(KEY_PREFIX + subject, String(limit.requests), String(emissionIntervalMs(limit)));
    } catch (error) {
      return this.failedStep(error, subject, limit);
    }
    // Sent while shared (none is sent during an outage): a reply that comes after another command timed out says
    // nothing of Redis now, so it ends no outage; the probe does (RedisSharingState).
    const [, storedState, redisNow] = reply;
    const decision = gcra(limit, parseState(storedState), Number(redisNow));
    if (decision.allowed) {
      // Keeps this instance's own count current, for the requests it may have to decide alone.
      this.local.consume(subject, limit);
    } else {
      this.refusals.remember(subject, limit, decision, this.now());
    }
    this.sweepNowAndThen(now);
    return decision;
  }

  private async consumeLeased(subject: string, limit: RateLimit): Promise<RateDecision> {
    let slot = this.leases.get(subject);
    if (!slot) this.leases.set(subject, (slot = { lease: null, reserving: null }));
    for (;;) {
      const now = this.now();
      const refused = this.refusals.refusal(subject, limit, now);
      if (refused) return refused;
      const taken = slot.lease?.take(limit, now);
      if (taken) {
        this.local.consume(subject, limit);
        return taken;
      }
      if (!slot.reserving) break;
      await slot.reserving;
    }
    const reservation = this.reserve(subject, limit, slot);
    slot.reserving = reservation;
    try {
      return await reservation;
    } finally {
      slot.reserving = null;
    }
  }

  /** One round trip: a new lease whose first request is this one, or a refusal; per instance when Redis cannot answer. */
  private async reserve(subject: string, limit: RateLimit, slot: LeaseSlot): Promise<RateDecision> {
    if (this.sharingState.outage()) return this.decideAlone(subject, limit);
    const wanted = leaseSize(limit, this.leaseMs, slot.lease ? slot.lease.granted - slot.lease.unspent : undefined);
    let reply: GcraReply;
    try {
      reply = await this.redis.parsesphereGcraReserve(KEY_PREFIX + subject, String(limit.requests), String(emissionIntervalMs(limit)), String(wanted));
    } catch (error) {
      return this.failedStep(error, subject, limit);
    }
    // As in consume: a late reply ends no outage.
    const [granted, storedState, redisNowText] = reply;
    const now = this.now();
    const redisNow = Number(redisNowText);
    const level = levelAt(limit, parseState(storedState), redisNow);
    this.sweepNowAndThen(now);
    const reserved = { level, at: redisNow, intervalMs: emissionIntervalMs(limit) };
    if (granted < 1) {
      slot.lease = null;
      const decision = gcra(limit, reserved, redisNow);
      this.refusals.remember(subject, limit, decision, now);
      return decision;
    }
    slot.lease = new RateLease(limit, reserved, granted, redisNow - now, now + this.leaseMs);
    this.local.consume(subject, limit);
    return slot.lease.take(limit, now)!;
  }

  /**
   * A lease of a limit that has changed since: what it left unspent is given back, so that requests never made do not
   * count against the new limit (a key lowered from 1,000 to 10 a minute was refused for 32 s after 8 uses, for the
   * 7 of its lease it never spent). An expired lease's are not: they are the documented loss. Best effort: if Redis
   * cannot answer, they stay counted, as an expired lease's.
   */
  private async releaseUnspent(subject: string, limit: RateLimit, lease: RateLease): Promise<void> {
    const unspent = lease.unspent;
    lease.close();
    if (unspent === 0 || lease.expiresAt <= this.now() || this.sharingState.current.mode === 'per-instance') return;
    try {
      await this.redis.parsesphereGcraRelease(KEY_PREFIX + subject, String(limit.requests), String(emissionIntervalMs(limit)), String(unspent));
    } catch {
      // Counted still: under-admission bounded by the lease, as when a lease expires.
    }
  }

  sharing(): RateLimitSharing {
    return this.sharingState.current;
  }

  /** The store owns its connection. */
  async close(): Promise<void> {
    this.sharingState.close();
    await closeRedis(this.redis);
  }

  /**
   * A request's step that failed: an outage (every request decided alone until the probe says Redis answers), unless it
   * timed out only because this instance's own event loop was blocked (RedisSharingState.ownStall). Then this request
   * alone is decided by this instance's count, as a request admitted while shared is counted in it, and nothing is
   * written back: Redis most likely applied the step. The requests in flight during a stall are the whole difference,
   * not a second of them.
   */
  private failedStep(error: unknown, subject: string, limit: RateLimit): RateDecision {
    const reason = errorMessage(error);
    if (this.sharingState.ownStall(reason)) return this.local.consume(subject, limit);
    this.sharingState.reportUnavailable(reason);
    return this.decideAlone(subject, limit);
  }

  private decideAlone(subject: string, limit: RateLimit): RateDecision {
    this.counters.perInstanceDecisions.inc();
    const decision = this.local.consume(subject, limit);
    if (decision.allowed) this.admittedAlone.keep(subject, limit, 1);
    this.admittedAlone.decided();
    return decision;
  }

  /**
   * Spends in Redis what each subject was admitted alone during the outage just ended, capped by Redis at what the
   * limit leaves. Sent before any later request's step on the one connection, so Redis counts it first; one that
   * fails is kept for the end of the outage it starts.
   */
  private writeBackAdmittedAlone(): void {
    for (const { subject, limit, spend } of this.admittedAlone.takeUndrained()) {
      this.redis.parsesphereGcraReserve(KEY_PREFIX + subject, String(limit.requests), String(emissionIntervalMs(limit)), String(spend)).catch((error: unknown) => {
        this.admittedAlone.keep(subject, limit, spend);
        this.sharingState.reportUnavailable(errorMessage(error));
      });
    }
  }

  /**
   * Redis restarted (another run_id) and may have lost every state (no persistence, as many run it): each subject is
   * raised to at least what this instance admitted and has not drained (its own limiter, which counts every request
   * it admitted, shared or alone), after the write-back of the outage on the same connection. Never above the true
   * count, so harmless when Redis kept its data. Until 2026-12-07 a key used up (10 an hour, on three instances) got
   * 10 more in the same hour once the instances' remembered refusals ended, 360 s after the restart; one instance
   * with a key of 10 a minute used up admitted 10 more within 10 s of a restart, now 1 (what drained); with N
   * instances a key gets at most the limit less the largest instance's share.
   */
  private restoreOwnCounts(log: RedisLog): void {
    let subjects = 0;
    for (const { subject, level, intervalMs } of this.local.undrainedStates()) {
      subjects++;
      this.redis.parsesphereGcraSeed(KEY_PREFIX + subject, '0', String(intervalMs), String(level)).catch(() => undefined);
    }
    log('log', `Redis restarted (another run_id): ${subjects} subjects' counts restored from this instance's own`, { subjects });
  }

  private sweepNowAndThen(now: number): void {
    if (++this.decisionsSinceSweep < SWEEP_EVERY) return;
    this.decisionsSinceSweep = 0;
    this.refusals.forgetEnded(now);
    for (const [subject, slot] of this.leases) if (!slot.reserving && (!slot.lease || slot.lease.expiresAt <= now)) this.leases.delete(subject);
  }
}
