/**
 * Why the Redis that `INFO server` describes cannot hold shared limits, or null for a standalone Redis (or one that
 * does not say). A node of a Redis Cluster holds only its own slots: it answers MOVED for every other key, and until
 * 2026-12-07 an instance on one logged "Redis unavailable (MOVED …)" and "Redis answers again" once a second (the
 * probe's key is on that node), shared the limits of some keys and counted the others alone. A Sentinel runs none
 * of the scripts (readiness said `ERR unknown command 'eval', with args beginning with: ' local clock = …`).
 */
export function unsupportedRedis(info: string): string | null {
  const mode = /^redis_mode:(\S+)/m.exec(info)?.[1];
  if (mode === 'cluster') {
    return 'REDIS_URL is a node of a Redis Cluster (redis_mode:cluster), which is not supported: give a standalone Redis, or the primary endpoint of one with cluster mode disabled';
  }
  if (mode === 'sentinel') {
    return "REDIS_URL is a Redis Sentinel (redis_mode:sentinel), which is not supported: give the primary's address (a name that follows failovers)";
  }
  return null;
}

/** An error Redis answered (ioredis's ReplyError: READONLY, OOM, NOSCRIPT…), not a timeout or a closed socket. */
export function isRedisReply(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
