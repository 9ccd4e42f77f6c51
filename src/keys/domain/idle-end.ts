/** What an instance knows of a rolled key's uses when it decides whether the key has gone idle (close_when_idle_seconds). */
export interface KnownUses {
  /** The latest use known: this instance's own, and every one the log held when it was read; null for none. */
  lastUsedAt: string | null;
  /**
   * Every use made up to this instant, on any instance, is counted in lastUsedAt: the log was read a usage flush and a
   * margin after it, when every instance had appended its uses of that time. Null: the log has not been read so.
   */
  completeUntil: string | null;
}

/**
 * The instant a rolled key went idle: its last use (or its roll) plus close_when_idle_seconds, once that instant has
 * passed and the uses are known complete up to it; null otherwise, in use or not known yet. KeyExpired is final, so a
 * key is never retired idle on uses that may be missing (a usage view lagging the log, another instance's unflushed uses).
 */
export function idleEndMs(rolledAtMs: number, closeWhenIdleSeconds: number, lastUsedMs: number | null, completeUntilMs: number | null, nowMs: number): number | null {
  const end = Math.max(rolledAtMs, lastUsedMs ?? -Infinity) + closeWhenIdleSeconds * 1000;
  return completeUntilMs !== null && end <= completeUntilMs && end <= nowMs ? end : null;
}
