/** An error Redis answered (ioredis's ReplyError: READONLY, OOM, NOSCRIPT…), not a timeout or a closed socket. */
export function isRedisReply(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
