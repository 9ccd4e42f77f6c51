/**
 * Generic cell rate algorithm: "n requests per s seconds" as a sliding limit in O(1) state per
 * subject (one timestamp, the theoretical arrival time). A full quota may be spent in one burst;
 * after that, requests are admitted at the steady rate n/s.
 */
export interface RateLimit {
  requests: number;
  perSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Requests that could still be made right now. */
  remaining: number;
  /** Seconds until the full quota is available again. */
  resetSeconds: number;
  /** When refused: seconds until one request would be admitted. */
  retryAfterSeconds: number;
  /** Milliseconds from now until one more request would be admitted (0: it would be now). */
  nextAllowedInMs: number;
  /** The subject's state after this decision. */
  tat: number;
}

export function gcra(limit: RateLimit, tatMs: number | undefined, nowMs: number): RateDecision {
  const interval = (limit.perSeconds * 1000) / limit.requests;
  const window = limit.perSeconds * 1000;
  const start = Math.max(tatMs ?? nowMs, nowMs);
  const next = start + interval;
  if (next - nowMs > window) {
    return {
      allowed: false,
      limit: limit.requests,
      remaining: 0,
      resetSeconds: Math.ceil((start - nowMs) / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil((next - window - nowMs) / 1000)),
      nextAllowedInMs: next - window - nowMs,
      tat: start,
    };
  }
  return {
    allowed: true,
    limit: limit.requests,
    remaining: Math.floor((window - (next - nowMs)) / interval + 1e-9),
    resetSeconds: Math.ceil((next - nowMs) / 1000),
    retryAfterSeconds: 0,
    nextAllowedInMs: Math.max(0, next + interval - window - nowMs),
    tat: next,
  };
}
