import { Redis } from 'ioredis';
import { REDACTED_VALUE } from '../../shared/domain/secret-redaction.js';
import { scrubbedErrorLine } from '../../shared/runtime/error-message.js';
import { isRedisReply } from './redis-server-kind.js';

/** A command that has no answer within this long counts as Redis being unavailable: the hot path decides per instance. */
export const REDIS_COMMAND_TIMEOUT_MS = 100;
const RECONNECT_CEILING_MS = 1000;

/**
 * A connection that fails fast instead of queueing: no offline queue, no per-command retries, a short command
 * timeout; it reconnects by itself forever (50 ms doubling up to 1 s), so sharing resumes when Redis returns.
 */
export function openRedisConnection(url: string, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 1000,
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 5), RECONNECT_CEILING_MS),
  });
  // Outages are reported by the users of the connection (describeRedisError), once per outage; without a listener
  // ioredis prints each attempt.
  refuseMissingDatabase(redis);
  keepAlive(redis);
  return redis;
}

/** How often a connection of openRedisConnection sends a PING: well under any `timeout` a Redis is given (≥ 2 s). */
export const KEEPALIVE_EVERY_MS = 1000;

/**
 * A Redis with `timeout` set (some managed ones; or a NAT reaping idle flows) closes a connection idle that long.
 * Until 2026-12-06 the limits connection of an idle instance was so closed every `timeout` seconds: each time a
 * `warn` "Redis unavailable (connection to Redis closed)", a fallback counted, the per-instance gauge at 1 (the
 * documented alert fired) and then "Redis answers again" (`timeout 3`: a pair every 4 s). Its errors are ignored:
 * the connection's own events say when Redis is gone.
 */
function keepAlive(redis: Redis): void {
  let roleRefused = false;
  const timer = setInterval(() => {
    if (redis.status !== 'ready') return;
    if (roleRefused || redis.listenerCount(SERVER_ROLE) === 0) return void redis.ping().catch(() => undefined);
    redis.call('ROLE').then(
      (reply) => Array.isArray(reply) && typeof reply[0] === 'string' && redis.emit(SERVER_ROLE, reply[0]),
      // An ACL without ROLE: PING from now on. A timeout or a closed socket: the connection's own events tell.
      (error: unknown) => (roleRefused ||= isRedisReply(error)),
    );
  }, KEEPALIVE_EVERY_MS);
  timer.unref();
  redis.once('end', () => clearInterval(timer));
}

const SERVER_ROLE = 'parsesphere:server-role';

/**
 * Tells `listener` the role of the server the connection is on (ROLE's first word: `master`, `slave`) at each
 * heartbeat, which then sends ROLE in place of PING (as cheap: O(1), no key read). A primary demoted in place
 * (REPLICAOF on it) keeps its clients' connections open and answers PING: only a write told, so until 2026-12-07 an
 * idle instance's limits said `shared` until a request was refused READONLY. A Redis that refuses ROLE gets PING again.
 */
export function onServerRole(redis: Redis, listener: (role: string) => void): void {
  redis.on(SERVER_ROLE, listener);
}

/** A connection for SUBSCRIBE: its one command waits for the connection, and ioredis subscribes again after each reconnect. */
export function openRedisSubscriber(url: string, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    connectTimeout: 1000,
    autoResubscribe: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 5), RECONNECT_CEILING_MS),
  });
  refuseMissingDatabase(redis);
  return redis;
}

/**
 * A database the server does not have (`/20` on a Redis of 16) is refused by the handshake's SELECT, which ioredis
 * reports and then ignores: the connection became ready on database 0. Until 2026-12-06 an instance on `/20` so
 * said `shared`, logged nothing, and counted limits, heartbeats and the failed-auth guard with the deployment on
 * database 0 (whose receipts counted it live and never confirmed). The connection is dropped instead, and retried:
 * an outage whose reason is Redis's answer, `ERR DB index is out of range`, as for a refused password.
 */
function refuseMissingDatabase(redis: Redis): void {
  redis.on('error', (error: unknown) => {
    if ((error as { command?: { name?: string } } | undefined)?.command?.name === 'select') redis.disconnect(true);
  });
}

/** How soon a SUBSCRIBE that Redis refused on a ready connection (NOPERM: an ACL without the channels) is sent again. */
export const SUBSCRIBE_RETRY_MS = 5000;

/**
 * SUBSCRIBE on a connection of openRedisSubscriber, kept until it succeeds. ioredis renews a subscription after a
 * reconnect only once it has succeeded, and rejects the queued one when the first handshake fails (a refused
 * password, an answer that is not Redis): until 2026-12-06 an instance started while Redis refused its password
 * shared limits once the password was right, and never heard a nudge or a confirmation question again (every
 * receipt of another instance: `instances_confirmed: 0` of 1 live). Sent again at each ready until one succeeds;
 * one Redis refuses on a ready connection (an ACL user without the channels) is passed to `refused` (until
 * 2026-12-06 nothing said so) and sent again every SUBSCRIBE_RETRY_MS, so an ACL put right is taken up.
 */
export function subscribeUntilDone(subscriber: Redis, channels: readonly string[], refused: (error: unknown) => void = () => undefined): void {
  let done = false;
  let retry: NodeJS.Timeout | null = null;
  const attempt = (): void => {
    if (done) return;
    subscriber.subscribe(...channels).then(
      () => {
        done = true;
        subscriber.off('ready', attempt);
      },
      (error: unknown) => {
        // Not ready: the connection failed (its users report that) and 'ready' sends it again.
        if (subscriber.status !== 'ready' || retry) return;
        refused(error);
        retry = setTimeout(() => {
          retry = null;
          attempt();
        }, SUBSCRIBE_RETRY_MS);
        retry.unref();
      },
    );
  };
  subscriber.on('ready', attempt);
  subscriber.once('end', () => retry && clearTimeout(retry));
  attempt();
}

/**
 * A pub/sub channel of this connection's database. Pub/sub is server-wide and ignores the database number while
 * keys (the heartbeat hash) are per database: deployments on different databases of one Redis would hear each
 * other. Database 0 keeps the bare name, which is what versions before the suffix used (a rolling upgrade on
 * the default database keeps talking).
 */
export function channelOf(redis: Redis, channel: string): string {
  const db = redis.options.db ?? 0;
  return db === 0 ? channel : `${channel}:db${db}`;
}

/** Resolves true once the connection is ready, false after `timeoutMs` (it goes on trying in the background). */
export async function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const onReady = () => done(true);
    function done(ready: boolean) {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    }
    redis.once('ready', onReady);
  });
}

/** QUIT when connected, else drop the socket: a stop never waits for an unreachable Redis. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}

/** Anything written `scheme://…`: a URL may carry a user and a password, and a reason never names the URL. */
const URL_LIKE = /[a-z][a-z0-9+.-]*:\/\/\S*/gi;
/**
 * The user Redis 7.2+ names in an ACL refusal ("NOPERM User bob has no permissions to run the 'subscribe' command"):
 * REDIS_URL's user, redacted here by its place whatever its length (the secrets leave names under 4 characters alone,
 * which would redact ordinary words).
 */
const ACL_REFUSED_USER = /\b(NOPERM User )\S+( has no permissions)/g;
/** ioredis's words for an answer that is not RESP (another service on that port). */
const NOT_RESP = /^(Unknown RESP type|Protocol error)/;

/**
 * Why a connection failed, as a line for a log and for readiness: what Redis answered ("WRONGPASS invalid
 * username-password pair…", "NOAUTH…", a protocol error for a port that is not Redis) or the socket's error,
 * the first line only, cut to 300 characters, without anything URL-like, a key, any of `secrets` (the
 * user name and password of REDIS_URL), or the user an ACL refusal names.
 */
export function describeRedisError(error: unknown, secrets: readonly string[] = []): string {
  let line = scrubbedErrorLine(error, secrets).replace(URL_LIKE, REDACTED_VALUE).replace(ACL_REFUSED_USER, `$1${REDACTED_VALUE}$2`);
  if (NOT_RESP.test(line)) line = `not a Redis server: ${line.replace(/\s*Please report this\.?$/, '')}`;
  return line.slice(0, 300);
}

/**
 * ioredis's error for a command sent on a connection already closing (the handshake's ready check after a refused
 * SELECT dropped it): a consequence of the error that closed it, never a reason of its own.
 */
export function isClosingConnectionError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("Stream isn't writeable");
}

/** A socket's error (refused, reset, timed out): the outage going on, not something Redis answered. */
export function isSocketError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | undefined)?.syscall === 'string';
}
