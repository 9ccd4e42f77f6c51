import type { Redis } from 'ioredis';
import type { CounterSeries } from '../../shared/metrics/metrics.port.js';
import { emissionIntervalMs, gcra, levelAt, type RateDecision, type RateLimit, type RateState, sameLimit } from '../../shared/rate-limit/gcra.js';
import type { RateLimitSharing, RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import { RateLimiter } from '../../shared/rate-limit/rate-limiter.js';
import { GCRA_RELEASE_SCRIPT, GCRA_RESERVE_SCRIPT, GCRA_SCRIPT } from './gcra-script.js';
import { leaseSize, RateLease } from './rate-lease.js';
import { closeRedis, describeRedisError, isClosingConnectionError, isSocketError, onServerRole, REDIS_COMMAND_TIMEOUT_MS, redisReady } from './redis-connection.js';
import { isRedisReply, unsupportedRedis } from './redis-server-kind.js';
import { errorMessage } from '../../shared/runtime/error-message.js';

type GcraReply = [admitted: number, storedState: string, nowMs: number];
type WithGcra = Redis & {
  parsesphereGcra(key: string, requests: string, intervalMs: string): Promise<GcraReply>;
  parsesphereGcraReserve(key: string, requests: string, intervalMs: string, wanted: string): Promise<GcraReply>;
  parsesphereGcraRelease(key: string, requests: string, intervalMs: string, unspent: string): Promise<number>;
};

/** A subject's lease and the reservation in flight, which concurrent requests of the subject wait for instead of reserving too. */
interface LeaseSlot {
  lease: RateLease | null;
  reserving: Promise<unknown> | null;
}

// Not 'parsesphere:rate:', where versions before the level state kept a TAT: during a rolling upgrade the old and
// the new instances count apart (a key may get its limit twice for one window), instead of misreading each other.
const KEY_PREFIX = 'parsesphere:rate-level:';
const SWEEP_EVERY = 10_000;
/** While per instance, Redis is asked this often whether it answers again (a GCRA step, with the command timeout). */
export const PROBE_EVERY_MS = 1000;
/** The probe's subject: one request of a limit whose state drains within a millisecond, so it leaves nothing behind. */
const PROBE_KEY = `${KEY_PREFIX}probe`;
const PROBE_LIMIT: RateLimit = { requests: 1_000_000, perSeconds: 1 };

/** A line to log; `fields` go beside the message (the end of an outage: `downSeconds`). */
export type RedisLog = (level: 'warn' | 'log', message: string, fields?: Record<string, unknown>) => void;

/** Counted when Redis cannot answer: each outage once, and every request decided per instance meanwhile. */
export interface FallbackCounters {
  readonly fallbacks: CounterSeries;
  readonly perInstanceDecisions: CounterSeries;
}

export interface RedisRateLimitStoreOptions {
  now?: () => number;
  counters?: FallbackCounters;
  /**
   * 0 (the default): one exact GCRA step in Redis per request. Above 0: a subject whose limit accrues at least two
   * requests in that time is served from leases (rate-lease.ts), one round trip per lease instead of per request.
   */
  leaseMs?: number;
  /** What a reason must never show (REDIS_URL's user name and password). */
  secrets?: readonly string[];
  /** The longest this process's event loop was blocked lately, in ms (watchEventLoopStalls): what a timeout may owe to it. */
  recentLoopStallMs?: () => number;
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
 * instance admitted all along, and so is every request until the outage ends: a reconnection, or the GCRA script
 * run on a probe key every PROBE_EVERY_MS, ends it (a request never waits out a timeout Redis is known to cause).
 * The state follows Redis without requests too (readiness and the gauge of an idle instance): a closed or refused
 * connection starts an outage at once.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: WithGcra;
  private readonly local: RateLimiter;
  /**
   * Subjects Redis refused, with the time before which nothing can be admitted at the limit then in force:
   * refused without a round trip while that limit holds.
   */
  private readonly refusedUntil = new Map<string, { until: number; decision: RateDecision; limit: RateLimit }>();
  private decisionsSinceSweep = 0;
  private decisionsAloneSinceSweep = 0;
  /** What each subject was admitted while this instance decided alone: spent in Redis once it answers again. */
  private admittedAlone = new Map<string, { limit: RateLimit; count: number }>();
  private state: RateLimitSharing = { mode: 'shared' };
  private readonly leases = new Map<string, LeaseSlot>();
  private readonly now: () => number;
  private readonly counters: FallbackCounters;
  private readonly leaseMs: number;
  private readonly secrets: readonly string[];
  private readonly recentLoopStallMs: () => number;
  /** The reasons this outage was logged with: a reason is logged once per outage. */
  private reasonsLogged = new Set<string>();
  private probe: NodeJS.Timeout | null = null;
  private closing = false;
  /**
   * Set while the start waits for the first connection (waitForFirstConnection), with the last error it met: what
   * the connection meets meanwhile is the start's, not an outage (a handshake timed out while the start kept the
   * event loop busy, and retried at once, is none).
   */
  private firstConnection: { lastError: string | null } | null = null;
  /** Why the Redis of this connection can never share limits (a Cluster node, a Sentinel): no probe ends that outage. */
  private unsupported: string | null = null;
  private askingAgain: NodeJS.Timeout | null = null;
  /** Whether the heartbeat last found the server a primary (null until it first says). */
  private primary: boolean | null = null;

  constructor(
    redis: Redis,
    private readonly log: RedisLog,
    options: RedisRateLimitStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.counters = options.counters ?? { fallbacks: new Tally(), perInstanceDecisions: new Tally() };
    this.leaseMs = options.leaseMs ?? 0;
    this.secrets = options.secrets ?? [];
    this.recentLoopStallMs = options.recentLoopStallMs ?? (() => 0);
    redis.defineCommand('parsesphereGcra', { numberOfKeys: 1, lua: GCRA_SCRIPT });
    redis.defineCommand('parsesphereGcraReserve', { numberOfKeys: 1, lua: GCRA_RESERVE_SCRIPT });
    redis.defineCommand('parsesphereGcraRelease', { numberOfKeys: 1, lua: GCRA_RELEASE_SCRIPT });
    this.redis = redis as WithGcra;
    this.local = new RateLimiter(this.now);
    // A reconnected connection is asked at once, not at this instance's next request (an idle instance would say
    // "per-instance" for ever, or "shared" beside a Redis that refuses the scripts).
    redis.on('ready', () => void this.askServer());
    // And the other way: a dropped or refused connection is an outage now, not at this instance's next request.
    redis.on('close', () => {
      if (!this.firstConnection) this.reportUnavailable('connection to Redis closed');
    });
    redis.on('error', (error: unknown) => this.connectionFailed(error));
    onServerRole(redis, (role) => this.roleSeen(role));
  }

  /**
   * The start's wait for the first connection: up to `timeoutMs`, then per instance (with the last error met, say a
   * refused password) if the connection is still not ready; it goes on retrying. Nothing is logged or counted as
   * an outage during the wait: until 2026-12-06 a handshake that timed out while the start kept the event loop
   * busy (the 100 ms command timeout) logged "Redis unavailable" and counted a fallback with Redis up.
   */
  async waitForFirstConnection(timeoutMs: number): Promise<void> {
    if (this.redis.status === 'ready') return;
    const waiting: { lastError: string | null } = { lastError: null };
    this.firstConnection = waiting;
    const ready = await redisReady(this.redis, timeoutMs);
    this.firstConnection = null;
    if (!ready) this.reportUnavailable(waiting.lastError ?? `no connection within ${timeoutMs} ms, retrying`);
  }

  async consume(subject: string, limit: RateLimit): Promise<RateDecision> {
    const now = this.now();
    const refused = this.knownRefused(subject, limit, now);
    if (refused) return refused;
    const lease = this.leases.size === 0 ? undefined : this.leases.get(subject)?.lease;
    if (lease && !lease.isFor(limit)) await this.releaseUnspent(subject, limit, lease);
    if (this.leaseMs > 0 && leaseSize(limit, this.leaseMs, Number.POSITIVE_INFINITY) > 1) return this.consumeLeased(subject, limit);
    if (this.outage()) return this.decideAlone(subject, limit);
    let reply: GcraReply;
    try {
      reply = await this.redis.parsesphereGcra(KEY_PREFIX + subject, String(limit.requests), String(emissionIntervalMs(limit)));
    } catch (error) {
      this.reportUnavailable(errorMessage(error));
      return this.decideAlone(subject, limit);
    }
    this.shared();
    const [, storedState, redisNow] = reply;
    const decision = gcra(limit, parseState(storedState), Number(redisNow));
    if (decision.allowed) {
      // Keeps this instance's own count current, for the requests it may have to decide alone.
      this.local.consume(subject, limit);
    } else {
      this.refusedUntil.set(subject, { until: this.now() + decision.nextAllowedInMs, decision, limit });
    }
    this.sweepNowAndThen(now);
    return decision;
  }

  private async consumeLeased(subject: string, limit: RateLimit): Promise<RateDecision> {
    let slot = this.leases.get(subject);
    if (!slot) this.leases.set(subject, (slot = { lease: null, reserving: null }));
    for (;;) {
      const now = this.now();
      const refused = this.knownRefused(subject, limit, now);
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
    if (this.outage()) return this.decideAlone(subject, limit);
    const wanted = leaseSize(limit, this.leaseMs, slot.lease ? slot.lease.granted - slot.lease.unspent : undefined);
    let reply: GcraReply;
    try {
      reply = await this.redis.parsesphereGcraReserve(KEY_PREFIX + subject, String(limit.requests), String(emissionIntervalMs(limit)), String(wanted));
    } catch (error) {
      this.reportUnavailable(errorMessage(error));
      return this.decideAlone(subject, limit);
    }
    this.shared();
    const [granted, storedState, redisNowText] = reply;
    const now = this.now();
    const redisNow = Number(redisNowText);
    const level = levelAt(limit, parseState(storedState), redisNow);
    this.sweepNowAndThen(now);
    const reserved = { level, at: redisNow, intervalMs: emissionIntervalMs(limit) };
    if (granted < 1) {
      slot.lease = null;
      const decision = gcra(limit, reserved, redisNow);
      this.refusedUntil.set(subject, { until: now + decision.nextAllowedInMs, decision, limit });
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
    if (unspent === 0 || lease.expiresAt <= this.now() || this.state.mode === 'per-instance') return;
    try {
      await this.redis.parsesphereGcraRelease(KEY_PREFIX + subject, String(limit.requests), String(emissionIntervalMs(limit)), String(unspent));
    } catch {
      // Counted still: under-admission bounded by the lease, as when a lease expires.
    }
  }

  sharing(): RateLimitSharing {
    return this.state;
  }

  /** The store owns its connection. */
  async close(): Promise<void> {
    this.closing = true;
    this.stopProbing();
    if (this.askingAgain) clearTimeout(this.askingAgain);
    await closeRedis(this.redis);
  }

  private decideAlone(subject: string, limit: RateLimit): RateDecision {
    this.counters.perInstanceDecisions.inc();
    const decision = this.local.consume(subject, limit);
    if (decision.allowed) this.keepAdmittedAlone(subject, limit, 1);
    if (++this.decisionsAloneSinceSweep >= SWEEP_EVERY) this.forgetDrainedAdmittedAlone();
    return decision;
  }

  /**
   * A long outage meets many subjects (a failed-authentication guard counts each client address): what has drained
   * would not be spent at its end, so it is not kept (300,000 addresses kept 58 MB until Redis answered).
   */
  private forgetDrainedAdmittedAlone(): void {
    this.decisionsAloneSinceSweep = 0;
    for (const [subject, { limit }] of this.admittedAlone) if (this.local.undrained(subject, limit) < 1e-6) this.admittedAlone.delete(subject);
  }

  /**
   * Spends in Redis what each subject was admitted alone during the outage just ended, so that the window's total
   * stays within the limit for this instance (a stall otherwise nearly doubled it): as much of it as has not drained
   * yet (an hour-long outage's uses are over, and spending them again would refuse a key for a whole window). Capped
   * by Redis at what the limit leaves. Sent before any later request's step on the one connection, so Redis counts
   * it first; one that fails is kept for the end of the outage it starts.
   */
  private writeBackAdmittedAlone(): void {
    const admitted = this.admittedAlone;
    this.admittedAlone = new Map();
    for (const [subject, { limit, count }] of admitted) {
      // Rounded up: a part of a request still in the window is counted whole, so no window ever exceeds the limit.
      const spend = Math.min(count, Math.ceil(this.local.undrained(subject, limit) - 1e-6));
      if (spend < 1) continue;
      this.redis.parsesphereGcraReserve(KEY_PREFIX + subject, String(limit.requests), String(emissionIntervalMs(limit)), String(spend)).catch((error: unknown) => {
        this.keepAdmittedAlone(subject, limit, spend);
        this.reportUnavailable(errorMessage(error));
      });
    }
  }

  private keepAdmittedAlone(subject: string, limit: RateLimit, count: number): void {
    const admitted = this.admittedAlone.get(subject);
    if (admitted && sameLimit(admitted.limit, limit)) admitted.count += count;
    else this.admittedAlone.set(subject, { limit, count });
  }

  private knownRefused(subject: string, limit: RateLimit, now: number): RateDecision | null {
    const known = this.refusedUntil.get(subject);
    if (!known) return null;
    // Before the refusal (this clock stepped back since): it would hold for the step's length without asking Redis.
    if (known.until <= now || now < known.until - known.decision.nextAllowedInMs || !sameLimit(known.limit, limit)) {
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

  /**
   * Whether requests are decided alone, without asking Redis: its connection is down, or an outage is known (a
   * stalled Redis would cost each request the command timeout, 100 ms; the probe, once a second, says when it ends).
   */
  private outage(): boolean {
    if (this.redis.status !== 'ready') this.reportUnavailable(`Redis connection is ${this.redis.status}`);
    return this.state.mode === 'per-instance';
  }

  /** Per-instance decisions from now until Redis answers again; logged once per outage. */
  reportUnavailable(reason: string): void {
    if (this.state.mode === 'per-instance' || this.closing) return;
    reason = this.withLoopStall(reason);
    this.state = { mode: 'per-instance', reason, since: new Date(this.now()).toISOString() };
    this.counters.fallbacks.inc();
    this.reasonsLogged = new Set([reason]);
    this.log('warn', `Redis unavailable (${reason}): rate limits are counted per instance until it answers again`);
    this.startProbing();
  }

  /**
   * A command timed out while this process's event loop was blocked past the timeout: the reply may have been waiting
   * in the socket. Said so: under a burst of key creations Redis answered in 40 µs while the loop stalled up to 770 ms,
   * and 'Redis unavailable (Command timed out)' came 6 times in 12 s, sending the on-call to a Redis that was fine.
   */
  private withLoopStall(reason: string): string {
    if (reason !== 'Command timed out') return reason;
    const stalledMs = this.recentLoopStallMs();
    return stalledMs >= REDIS_COMMAND_TIMEOUT_MS ? `${reason} while this instance's event loop was blocked ${stalledMs} ms: this instance is overloaded, Redis may be fine` : reason;
  }

  /**
   * The connection's error (ioredis retries by itself): starts an outage, or during one becomes its reason. Logged
   * again only for what Redis answered (a refused password, a protocol error) that this outage has not logged yet:
   * a socket error on each retry is the same outage going on.
   */
  private connectionFailed(error: unknown): void {
    if (isClosingConnectionError(error)) return;
    const reason = describeRedisError(error, this.secrets);
    if (this.firstConnection) {
      this.firstConnection.lastError = reason;
      return;
    }
    this.refuse(reason, !isSocketError(error));
  }

  /** Starts an outage, or during one becomes its reason, logged once per outage when `logAgain` (an answer of Redis's). */
  private refuse(reason: string, logAgain = true): void {
    if (this.state.mode !== 'per-instance') return this.reportUnavailable(reason);
    if (this.closing || reason === this.state.reason) return;
    this.state = { ...this.state, reason };
    if (!logAgain || this.reasonsLogged.has(reason)) return;
    this.reasonsLogged.add(reason);
    this.log('warn', `Redis still unavailable (${reason}): rate limits are counted per instance until it answers again`);
  }

  /**
   * A connection ready has passed ioredis's ready check (INFO), which a Redis that refuses every script passes too.
   * Until 2026-12-07 each ready said "Redis answers again: shared" at once: after a failover that left REDIS_URL's
   * host a read-only replica, each reconnection logged it (and readiness of an idle instance said `shared` for ever),
   * and the next request fell back with `READONLY`. Asked on each ready and by the probe: what the server is (a
   * Cluster node or a Sentinel is refused for good, with a reason that says so), then the probe's script: shared once
   * it is applied, an outage with Redis's answer when refused; a timeout decides nothing (the probe asks again).
   */
  private async askServer(): Promise<void> {
    try {
      this.unsupported = unsupportedRedis(await this.redis.info('server'));
    } catch (error) {
      // Refused (an ACL without INFO): the script says whether this Redis serves. Timed out (a start keeping the
      // event loop busy): what was known stands, and it is asked again in a second (the probe does during an outage).
      if (isRedisReply(error)) this.unsupported = null;
      else if (!this.probe) this.askAgainSoon();
    }
    if (this.unsupported) return this.refuse(this.unsupported);
    try {
      await this.redis.parsesphereGcra(PROBE_KEY, String(PROBE_LIMIT.requests), String(emissionIntervalMs(PROBE_LIMIT)));
    } catch (error) {
      if (isRedisReply(error)) this.refuse(describeRedisError(error, this.secrets));
      return;
    }
    this.shared();
  }

  /**
   * The heartbeat's ROLE. A server that stops being a primary while shared is asked at once, as on a ready (its script
   * is refused READONLY: an outage, which the probe ends once it is a primary again); asked on a change only, so a
   * writable replica, which serves the script, is not asked every second.
   */
  private roleSeen(role: string): void {
    const primary = role === 'master';
    if (primary === this.primary) return;
    this.primary = primary;
    if (!primary && this.state.mode === 'shared' && !this.closing) void this.askServer();
  }

  private askAgainSoon(): void {
    if (this.askingAgain || this.closing) return;
    this.askingAgain = setTimeout(() => {
      this.askingAgain = null;
      if (this.redis.status === 'ready' && !this.probe) void this.askServer();
    }, PROBE_EVERY_MS);
    this.askingAgain.unref();
  }

  private shared(): void {
    if (this.state.mode === 'shared' || this.closing || this.unsupported) return;
    // How long it lasted, as the store monitor's `store recovered` says it: from this line alone (before, the
    // outage's start had to be found in an earlier line, which a 30 s outage of Redis under load left among 40,000).
    const since = this.state.mode === 'per-instance' ? Date.parse(this.state.since) : this.now();
    const downSeconds = Math.max(0, Math.round((this.now() - since) / 1000));
    this.state = { mode: 'shared' };
    this.stopProbing();
    this.writeBackAdmittedAlone();
    this.log('log', 'Redis answers again: rate limits are shared by every instance', { downSeconds });
  }

  /**
   * A stall (commands timing out on a connection that stays open) ends with no 'ready': without asking, an idle
   * instance would stay per instance until its next request. Off the hot path, and only during an outage.
   */
  private startProbing(): void {
    if (this.probe) return;
    let asking = false;
    this.probe = setInterval(() => {
      if (asking || this.redis.status !== 'ready') return;
      asking = true;
      // What requests run, not a PING: a Redis out of memory, read-only or refusing scripts answers PING all the same.
      void this.askServer().finally(() => (asking = false));
    }, PROBE_EVERY_MS);
    this.probe.unref();
  }

  private stopProbing(): void {
    if (this.probe) clearInterval(this.probe);
    this.probe = null;
  }

  private sweepNowAndThen(now: number): void {
    if (++this.decisionsSinceSweep < SWEEP_EVERY) return;
    this.decisionsSinceSweep = 0;
    for (const [subject, { until }] of this.refusedUntil) if (until <= now) this.refusedUntil.delete(subject);
    for (const [subject, slot] of this.leases) if (!slot.reserving && (!slot.lease || slot.lease.expiresAt <= now)) this.leases.delete(subject);
  }
}

/** The state GCRA_SCRIPT keeps, "<level> <at ms> <interval ms>"; '' for none. */
function parseState(stored: string): RateState | undefined {
  if (stored === '') return undefined;
  const [level, at, intervalMs] = stored.split(' ');
  return { level: Number(level), at: Number(at), intervalMs: Number(intervalMs) };
}
