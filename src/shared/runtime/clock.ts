/**
 * The time, where a decision depends on it (key expiry): one object the app provides, so a test can move it
 * and see an expiry take effect at its exact instant.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => Date.now() };
