import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { InstancesConfirmed, RevocationConfirmations } from '../../shared/projections/revocation-confirmations.port.js';
import { channelOf, closeRedis, subscribeUntilDone } from './redis-connection.js';
import { isRedisReply } from './redis-server-kind.js';

/**
 * The heartbeat hash and the two pub/sub channels, named once (the contract test watches them too); the channels
 * as used are channelOf these, apart per database.
 */
export const CONFIRMATION_KEYS = {
  registry: 'parsesphere:instances',
  ask: 'parsesphere:confirm-request',
  answer: 'parsesphere:confirmed',
} as const;
const { registry: REGISTRY } = CONFIRMATION_KEYS;
const HEARTBEAT_MS = 1000;
/** An instance whose heartbeat is older than this is not counted as live. */
const LIVE_WITHIN_MS = 3000;
/** Entries of instances killed without a goodbye are dropped from the registry after this long, and the registry itself once no instance beat for this long. */
export const FORGET_AFTER_MS = 60_000;

/**
 * A heartbeat stamped with Redis's clock, not the instance's: every beat and every age is then read on one clock.
 * Until 2026-12-06 each instance stamped its own Date.now(): beside an instance an hour ahead, a receipt counted it
 * live for an hour after a SIGKILL, and that instance counted no other live (and removed their beats as stale).
 * ARGV[2], FORGET_AFTER_MS: each beat drops the entries older than that (instances killed without a goodbye) and gives
 * the hash that long to live, so the registry of a deployment that stopped leaves Redis too. Until 2026-12-07 it had
 * no TTL and an entry was dropped only by a revocation: every SIGKILL or OOM kill left one for as long as no key was
 * revoked, and the hash of a deployment gone stayed in Redis for ever. PEXPIRE by pcall: a Redis user whose ACL was made
 * before it (without +pexpire) still beats, its hash pruned but kept.
 */
export const HEARTBEAT_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local forget = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], string.format('%.0f', now))
local beats = redis.call('HGETALL', KEYS[1])
for i = 1, #beats, 2 do
  local at = tonumber(beats[i + 1])
  if not at or now - at > forget then
    redis.call('HDEL', KEYS[1], beats[i])
  end
end
redis.pcall('PEXPIRE', KEYS[1], forget)
return 1
`;

type WithHeartbeat = Redis & { parsesphereHeartbeat(registry: string, instanceId: string, forgetAfterMs: string): Promise<number> };

/** Redis's clock in ms, from TIME's [seconds, microseconds]. */
function redisNowMs([seconds, microseconds]: readonly (string | number)[]): number {
  return Number(seconds) * 1000 + Math.floor(Number(microseconds) / 1000);
}

/**
 * A heartbeat registry (a Redis hash of instance id -> last beat) and a question on pub/sub: "is position P in
 * force on you?". Each instance answers once its access projections have applied P (`inForce`); the asker
 * counts the answers that arrive within `waitMs`. Only a report: the revocation is in force everywhere the
 * log has been read, answered or not.
 */
export class RedisRevocationConfirmations implements RevocationConfirmations {
  readonly instanceId = randomUUID();
  private heartbeat: NodeJS.Timeout | null = null;
  /**
   * Redis refused this instance's last beat (READONLY: a failover left REDIS_URL's host a replica; OOM): no instance
   * can beat, so the registry says nothing of who is live. Until 2026-12-07 a receipt then said `instances_live: 0`
   * beside a running instance that heard the question; now it has neither field, as while Redis is down.
   */
  private beatRefused = false;
  /** Per question in flight: the live instances it was asked of, and those of them that answered. */
  private readonly waiting = new Map<string, { live: ReadonlySet<string>; answers: Set<string> }>();
  private readonly ask: string;
  private readonly answerChannel: string;
  private readonly publisher: WithHeartbeat;

  constructor(
    publisher: Redis,
    private readonly subscriber: Redis,
    private readonly inForce: (position: number) => Promise<void>,
    private readonly waitMs: number,
    /** Redis refused the SUBSCRIBE on a ready connection (an ACL without the channels). */
    private readonly subscribeRefused: (error: unknown) => void = () => undefined,
  ) {
    publisher.defineCommand('parsesphereHeartbeat', { numberOfKeys: 1, lua: HEARTBEAT_SCRIPT });
    this.publisher = publisher as WithHeartbeat;
    this.ask = channelOf(publisher, CONFIRMATION_KEYS.ask);
    this.answerChannel = channelOf(publisher, CONFIRMATION_KEYS.answer);
  }

  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.ask) this.answer(message);
      if (channel === this.answerChannel) this.collect(message);
    });
    subscribeUntilDone(this.subscriber, [this.ask, this.answerChannel], this.subscribeRefused);
    // The connection refuses commands until it is ready (no offline queue): beat on each (re)connection, or an
    // instance would stay unregistered, and uncounted by a receipt, until the next interval.
    this.publisher.on('ready', this.beat);
    if (this.publisher.status === 'ready') this.beat();
    this.heartbeat = setInterval(this.beat, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async confirm(position: number): Promise<InstancesConfirmed | null> {
    if (this.beatRefused) return null;
    let beats: Record<string, string>;
    let now: number;
    try {
      // The beats' ages on the clock that stamped them (auto-pipelined: one round trip).
      const [time, registry] = await Promise.all([this.publisher.time(), this.publisher.hgetall(REGISTRY)]);
      now = redisNowMs(time);
      beats = registry;
    } catch {
      return null;
    }
    const live = new Set(Object.keys(beats).filter((id) => id !== this.instanceId && now - Number(beats[id]) <= LIVE_WITHIN_MS));
    const question = randomUUID();
    const answers = new Set<string>();
    this.waiting.set(question, { live, answers });
    try {
      await this.publisher.publish(this.ask, `${question} ${position} ${this.instanceId}`);
      // By the monotonic clock: by Date.now(), a step back of an hour during the wait held the revocation an hour.
      const deadline = performance.now() + this.waitMs;
      while (answers.size < live.size && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    } catch {
      // Redis went away mid-question: report what arrived.
    } finally {
      this.waiting.delete(question);
    }
    return { confirmed: answers.size, live: live.size };
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.publisher.off('ready', this.beat);
    await this.publisher.hdel(REGISTRY, this.instanceId).catch(() => undefined);
    await Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)]);
  }

  private readonly beat = (): void => {
    this.publisher.parsesphereHeartbeat(REGISTRY, this.instanceId, String(FORGET_AFTER_MS)).then(
      () => (this.beatRefused = false),
      (error: unknown) => {
        if (isRedisReply(error)) this.beatRefused = true;
      },
    );
  };

  private answer(message: string): void {
    const [question, position, asker] = message.split(' ');
    if (asker === this.instanceId) return;
    this.inForce(Number(position)).then(
      () => this.publisher.publish(this.answerChannel, `${question} ${this.instanceId}`).catch(() => undefined),
      () => undefined,
    );
  }

  /** Only an answer from an instance the question was asked of counts: no other deployment's, no stale one's. */
  private collect(message: string): void {
    const [question, instance] = message.split(' ');
    const waiting = this.waiting.get(question);
    if (waiting?.live.has(instance)) waiting.answers.add(instance);
  }
}
