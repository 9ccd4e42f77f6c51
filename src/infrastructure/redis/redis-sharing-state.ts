import type { RateLimitSharing } from '../../shared/rate-limit/rate-limit-store.port.js';
import type { CounterSeries } from '../../shared/metrics/metrics.port.js';
import { runGcraProbe, type WithGcra } from './gcra-commands.js';
import { describeRedisError, isClosingConnectionError, isSocketError, onServerRole, REDIS_COMMAND_TIMEOUT_MS, redisReady } from './redis-connection.js';
import type { RedisLog } from './redis-rate-limit-options.js';
import { isRedisReply, unsupportedRedis } from './redis-server-kind.js';

/** While per instance, Redis is asked this often whether it answers again (a GCRA step, with the command timeout). */
export const PROBE_EVERY_MS = 1000;

export interface RedisSharingStateOptions {
  now: () => number;
  fallbacks: CounterSeries;
  secrets: readonly string[];
  recentLoopStallMs: () => number;
  /** Called as an outage ends, before any later request's step is sent. */
  onShared: () => void;
  /** Called after onShared when the server is another run than when last shared (its INFO run_id changed): a restart. */
  onRestarted: () => void;
}

/**
 * Whether the limits are shared in Redis or counted per instance, following the connection without requests too
 * (readiness and the gauge of an idle instance): a closed or refused connection starts an outage at once, a
 * reconnection or the probe (the GCRA script on a probe key every PROBE_EVERY_MS) ends it, and the heartbeat's
 * ROLE tells a primary demoted in place. Each outage is logged and counted once.
 */
export class RedisSharingState {
  private state: RateLimitSharing = { mode: 'shared' };
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
  /** INFO's run_id, as last answered (null until known); another one is a restart, told when the outage ends. */
  private runId: string | null = null;
  private restarted = false;

  constructor(
    private readonly redis: WithGcra,
    private readonly log: RedisLog,
    private readonly options: RedisSharingStateOptions,
  ) {
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

  get current(): RateLimitSharing {
    return this.state;
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

  /**
   * Whether requests are decided alone, without asking Redis: its connection is down, or an outage is known (a
   * stalled Redis would cost each request the command timeout, 100 ms; the probe, once a second, says when it ends).
   */
  outage(): boolean {
    if (this.redis.status !== 'ready') this.reportUnavailable(`Redis connection is ${this.redis.status}`);
    return this.state.mode === 'per-instance';
  }

  /** Per-instance decisions from now until Redis answers again; logged once per outage. */
  reportUnavailable(reason: string): void {
    if (this.state.mode === 'per-instance' || this.closing) return;
    reason = this.withLoopStall(reason);
    this.state = { mode: 'per-instance', reason, since: new Date(this.options.now()).toISOString() };
    this.options.fallbacks.inc();
    this.reasonsLogged = new Set([reason]);
    this.log('warn', `Redis unavailable (${reason}): rate limits are counted per instance until it answers again`);
    this.startProbing();
  }

  /**
   * Ended only by the probe's script answering on a ready connection (askServer), never by a request's reply: every
   * request's command was sent while shared, so one that comes after another timed out is late, not a sign that Redis
   * answers now. Until 2026-12-07 such a reply ended the outage: a Redis busy 130 ms every 400 ms gave one instance 8
   * outages in 12 s (25 to 90 ms each, ended by the replies of the commands already sent), each a `warn` and an
   * `info` line and a fallback counted, and each next request waited out the timeout again.
   */
  private shared(): void {
    if (this.state.mode === 'shared' || this.closing || this.unsupported) return;
    // How long it lasted, as the store monitor's `store recovered` says it: from this line alone (before, the
    // outage's start had to be found in an earlier line, which a 30 s outage of Redis under load left among 40,000).
    const now = this.options.now;
    const since = this.state.mode === 'per-instance' ? Date.parse(this.state.since) : now();
    const downSeconds = Math.max(0, Math.round((now() - since) / 1000));
    this.state = { mode: 'shared' };
    this.stopProbing();
    this.options.onShared();
    if (this.restarted) {
      this.restarted = false;
      this.options.onRestarted();
    }
    this.log('log', 'Redis answers again: rate limits are shared by every instance', { downSeconds });
  }

  close(): void {
    this.closing = true;
    this.stopProbing();
    if (this.askingAgain) clearTimeout(this.askingAgain);
  }

  /**
   * Whether a request's command timed out only because this process's event loop was blocked past the command timeout
   * in the last 2 s (the reply was most likely waiting in the socket, the step applied): no sign Redis is down, so no
   * outage. Until 2026-12-07 it started one, about a second of per-instance decisions each time, and a client could
   * cause them: a burst of key creations (56 a second over two instances, under the account limit of 100) stalled the
   * loops 123-394 ms, 10 outages in 10 s, and a key of 10 a minute verified 22 times in those 10 s (11 without).
   */
  ownStall(reason: string): boolean {
    return reason === 'Command timed out' && this.options.recentLoopStallMs() >= REDIS_COMMAND_TIMEOUT_MS;
  }

  /**
   * A command timed out while this process's event loop was blocked past the timeout: the reply may have been waiting
   * in the socket. Said so: under a burst of key creations Redis answered in 40 µs while the loop stalled up to 770 ms,
   * and 'Redis unavailable (Command timed out)' came 6 times in 12 s, sending the on-call to a Redis that was fine.
   */
  private withLoopStall(reason: string): string {
    if (reason !== 'Command timed out') return reason;
    const stalledMs = this.options.recentLoopStallMs();
    return stalledMs >= REDIS_COMMAND_TIMEOUT_MS ? `${reason} while this instance's event loop was blocked ${stalledMs} ms: this instance is overloaded, Redis may be fine` : reason;
  }

  /**
   * The connection's error (ioredis retries by itself): starts an outage, or during one becomes its reason. Logged
   * again only for what Redis answered (a refused password, a protocol error) that this outage has not logged yet:
   * a socket error on each retry is the same outage going on.
   */
  private connectionFailed(error: unknown): void {
    if (isClosingConnectionError(error)) return;
    const reason = describeRedisError(error, this.options.secrets);
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
      const info = await this.redis.info('server');
      this.unsupported = unsupportedRedis(info);
      this.runSeen(/^run_id:(\S+)/m.exec(info)?.[1]);
    } catch (error) {
      // Refused (an ACL without INFO): the script says whether this Redis serves. Timed out (a start keeping the
      // event loop busy): what was known stands, and it is asked again in a second (the probe does during an outage).
      // Asked again during an outage too (the probe asks only while it lasts): its run_id is what tells a restart.
      if (isRedisReply(error)) this.unsupported = null;
      else this.askAgainSoon();
    }
    if (this.unsupported) return this.refuse(this.unsupported);
    try {
      await runGcraProbe(this.redis);
    } catch (error) {
      if (isRedisReply(error)) this.refuse(describeRedisError(error, this.options.secrets));
      return;
    }
    this.shared();
  }

  /** The server's run_id, from each INFO answered (a first one that timed out is asked again a second later). */
  private runSeen(runId: string | undefined): void {
    if (runId === undefined) return;
    if (this.runId !== null && runId !== this.runId) this.restarted = true;
    this.runId = runId;
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
}
