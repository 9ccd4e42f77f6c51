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

/**
 * A subject's spending: `level` requests not yet drained, as of `at` (ms), draining one per `intervalMs` (the
 * emission interval of the limit it was decided at).
 */
export interface RateState {
  readonly level: number;
  readonly at: number;
  readonly intervalMs: number;
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

/**
 * The subject's level at `nowMs`: what it spent, less what drained since, at the faster of the rate it was spent at
 * and the limit's now. When the limit changed since, when it did is not known: draining at the slower rate would
 * count requests that had drained already (a key that spent 500 at 1,000/s, lowered to 1/day 5 s later, was
 * refused for 316 days), while the faster never holds a request longer than either limit would.
 */
export function levelAt(limit: RateLimit, state: RateState | undefined, nowMs: number): number {
  if (!state) return 0;
  return Math.max(0, state.level - Math.max(0, nowMs - state.at) / drainInterval(limit, state));
}

/** How fast the state drains under the limit: the faster of its own interval and the limit's (levelAt). */
function drainInterval(limit: RateLimit, state: RateState | undefined): number {
  const interval = emissionIntervalMs(limit);
  return state === undefined ? interval : Math.min(state.intervalMs, interval);
}

/** How many of `wanted` requests the subject may make at once now. */
export function admissible(limit: RateLimit, level: number, wanted: number): number {
  return Math.max(0, Math.min(wanted, Math.floor(limit.requests - level + TOLERANCE)));
}

/**
 * The decision for one request of the subject now. A refusal leaves the state as it is, draining as it did; an
 * admission writes it at the limit's own interval.
 */
export function gcra(limit: RateLimit, state: RateState | undefined, nowMs: number): RateDecision {
  const level = levelAt(limit, state, nowMs);
  const interval = emissionIntervalMs(limit);
  if (admissible(limit, level, 1) === 0) {
    const draining = drainInterval(limit, state);
    const wait = (level + 1 - limit.requests) * draining;
    return {
      allowed: false,
      limit: limit.requests,
      remaining: 0,
      resetSeconds: wholeSeconds(level * draining),
      retryAfterSeconds: wholeSeconds(wait),
      nextAllowedInMs: wait,
      state: { level, at: nowMs, intervalMs: draining },
    };
  }
  const after = level + 1;
  return {
    allowed: true,
    limit: limit.requests,
    remaining: admissible(limit, after, limit.requests),
    resetSeconds: wholeSeconds(after * interval),
    retryAfterSeconds: 0,
    nextAllowedInMs: Math.max(0, (after + 1 - limit.requests) * interval),
    state: { level: after, at: nowMs, intervalMs: interval },
  };
}

/** Milliseconds as the headers give them: whole seconds rounded up, at least 1 (a 1 µs wait is not 0 s). */
function wholeSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000 - TOLERANCE));
}
