/**
 * Generic cell rate algorithm: "n requests per s seconds" as a sliding limit in O(1) state per subject. A full
 * quota may be spent in one burst; after that, requests are admitted at the steady rate n/s.
 *
 * The state is the level of a leaky bucket counted in requests (spent and not yet drained) at an instant, not the
 * usual theoretical arrival time. Two reasons. A limit changed on a key (PATCH) applies at once to what was spent:
 * a TAT is time at the old rate, so a key raised from 1/day to 1000/min stayed refused for a day. And the arithmetic
 * stays small: a TAT is an epoch in ms (~1.7e12, a step of 2.4e-4 ms), where adding 142.857 ms seven times overflows
 * a 7/1 s window (6 admitted) and a 1 µs interval is rounded by 2%.
 */
export interface RateLimit {
  requests: number;
  perSeconds: number;
}

/** A subject's spending: `level` requests not yet drained, as of `at` (ms). */
export interface RateState {
  readonly level: number;
  readonly at: number;
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
  state: RateState;
}

/** Below a millionth of a request: what division leaves of an exact drain (a level of 7 − 1.0000000000002). */
const TOLERANCE = 1e-6;

export function sameLimit(a: RateLimit, b: RateLimit): boolean {
  return a.requests === b.requests && a.perSeconds === b.perSeconds;
}

/** Milliseconds one request takes to drain. */
export function emissionIntervalMs(limit: RateLimit): number {
  return (limit.perSeconds * 1000) / limit.requests;
}

/** The subject's level at `nowMs`: what it spent, less what drained since, at the limit in force now. */
export function levelAt(limit: RateLimit, state: RateState | undefined, nowMs: number): number {
  if (!state) return 0;
  return Math.max(0, state.level - Math.max(0, nowMs - state.at) / emissionIntervalMs(limit));
}

/** How many of `wanted` requests the subject may make at once now. */
export function admissible(limit: RateLimit, level: number, wanted: number): number {
  return Math.max(0, Math.min(wanted, Math.floor(limit.requests - level + TOLERANCE)));
}

export function gcra(limit: RateLimit, state: RateState | undefined, nowMs: number): RateDecision {
  return decideAtLevel(limit, levelAt(limit, state, nowMs), nowMs);
}

/** The decision for one request made when the subject's level is `level`. */
export function decideAtLevel(limit: RateLimit, level: number, nowMs: number): RateDecision {
  const interval = emissionIntervalMs(limit);
  if (admissible(limit, level, 1) === 0) {
    const wait = (level + 1 - limit.requests) * interval;
    return {
      allowed: false,
      limit: limit.requests,
      remaining: 0,
      resetSeconds: Math.ceil((level * interval) / 1000 - TOLERANCE),
      retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000 - TOLERANCE)),
      nextAllowedInMs: wait,
      state: { level, at: nowMs },
    };
  }
  const after = level + 1;
  return {
    allowed: true,
    limit: limit.requests,
    remaining: admissible(limit, after, limit.requests),
    resetSeconds: Math.ceil((after * interval) / 1000 - TOLERANCE),
    retryAfterSeconds: 0,
    nextAllowedInMs: Math.max(0, (after + 1 - limit.requests) * interval),
    state: { level: after, at: nowMs },
  };
}
