import { gcra, type RateLimit, type RateState } from '../../shared/rate-limit/gcra.js';
import { seededRandom } from '../../../test/support/seeded-random.js';
import { rateLimitWithin } from './no-escalation.js';

/**
 * The no-escalation rate rule checked against the limiter it bounds: a limit the rule calls within its bound never
 * admits more requests in any window (of any length, anywhere in time) than the bound admits at most in a window of
 * that length; a limit it refuses does, in some window. So the rule is exactly "no window is ever more generous".
 */

/**
 * The instants (whole ms) a client is admitted at over [0, horizonMs] when it asks at each instant `next` proposes
 * after its last attempt (given whether that was admitted and when the limiter would admit one more).
 */
function admittedTimes(limit: RateLimit, horizonMs: number, next: (now: number, allowed: boolean, nextAllowedInMs: number) => number): number[] {
  const admitted: number[] = [];
  let state: RateState | undefined;
  for (let now = 0; now <= horizonMs; ) {
    const decision = gcra(limit, state, now);
    if (decision.allowed) {
      state = decision.state;
      admitted.push(now);
    }
    const asksAt = next(now, decision.allowed, decision.nextAllowedInMs);
    now = decision.allowed ? Math.max(now, asksAt) : Math.max(now + 1, asksAt);
  }
  return admitted;
}

/** Asks at the first whole millisecond it could be admitted: the most any client gets from a fresh limit. */
const greedy = (now: number, _allowed: boolean, nextAllowedInMs: number) => now + Math.ceil(nextAllowedInMs - 1e-9);

/** Asks in bursts and pauses of random lengths, often when it would be refused. */
function erratic(rand: () => number, scaleMs: number) {
  return (now: number) => now + (rand() < 0.6 ? 0 : Math.floor(rand() * rand() * scaleMs) + 1);
}

/** The most admitted within any window [a, a + lengthMs] over these sorted instants. */
function mostInAnyWindow(times: number[], lengthMs: number): number {
  let most = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while (times[end] - times[start] > lengthMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** The most a limit admits in a window of `lengthMs`: its greedy client's count from a fresh start. */
function mostInWindowOf(limit: RateLimit, lengthMs: number): number {
  return admittedTimes(limit, lengthMs, greedy).length;
}

function randomLimit(rand: () => number): RateLimit {
  const requests = 1 + Math.floor(rand() * rand() * 60);
  const perSeconds = 1 + Math.floor(rand() * rand() * 240);
  return { requests, perSeconds };
}

/** Window lengths that matter for these two limits: none, a tick, each one's interval and period, and random ones. */
function windowLengths(child: RateLimit, bound: RateLimit, horizonMs: number, rand: () => number): number[] {
  const interval = (limit: RateLimit) => Math.ceil((limit.perSeconds * 1000) / limit.requests);
  const lengths = [0, 1, interval(child), interval(bound), child.perSeconds * 1000, bound.perSeconds * 1000, horizonMs];
  for (let i = 0; i < 6; i += 1) lengths.push(Math.floor(rand() * horizonMs));
  return lengths;
}

describe('the no-escalation rate rule over every window of the limiter', () => {
  const rand = seededRandom(20261206);
  const pairs = Array.from({ length: 400 }, () => ({ child: randomLimit(rand), bound: randomLimit(rand) }));
  const within = pairs.filter(({ child, bound }) => rateLimitWithin(child, bound));
  const beyond = pairs.filter(({ child, bound }) => !rateLimitWithin(child, bound));

  it('draws enough limits on both sides of the rule', () => {
    expect(within.length).toBeGreaterThan(100);
    expect(beyond.length).toBeGreaterThan(100);
  });

  it('never lets a limit within its bound admit more in a window than the bound would, however its client asks', () => {
    const broken: string[] = [];
    for (const { child, bound } of within) {
      const horizonMs = 3 * Math.max(child.perSeconds, bound.perSeconds) * 1000;
      const clients = [admittedTimes(child, horizonMs, greedy), admittedTimes(child, horizonMs, erratic(rand, (child.perSeconds * 1000) / child.requests))];
      for (const lengthMs of windowLengths(child, bound, horizonMs, rand)) {
        const allowedMost = mostInWindowOf(bound, lengthMs);
        const most = Math.max(...clients.map((times) => mostInAnyWindow(times, lengthMs)));
        if (most > allowedMost) broken.push(`${child.requests}/${child.perSeconds} s within ${bound.requests}/${bound.perSeconds} s: ${most} > ${allowedMost} in ${lengthMs} ms`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('finds, for every limit beyond its bound, a window in which it admits more than the bound would', () => {
    const unfound: string[] = [];
    const inReach = beyond.filter(({ child, bound }) => (windowWhereMoreAdmitted(child, bound) * child.requests) / (child.perSeconds * 1000) <= 200_000);
    // A rate a hair above the bound's overtakes its burst only after days of requests: too many to simulate here.
    expect(inReach.length).toBeGreaterThan(0.9 * beyond.length);
    for (const { child, bound } of inReach) {
      const lengthMs = windowWhereMoreAdmitted(child, bound);
      if (mostInAnyWindow(admittedTimes(child, lengthMs, greedy), lengthMs) <= mostInWindowOf(bound, lengthMs)) {
        unfound.push(`${child.requests}/${child.perSeconds} s beyond ${bound.requests}/${bound.perSeconds} s`);
      }
    }
    expect(unfound).toEqual([]);
  });
});

/**
 * A window length in which `child` admits more than `bound`: 0 when its burst is larger; else one long enough for
 * its higher rate to overtake the bound's larger burst (found by doubling; the limiter itself then checks it).
 */
function windowWhereMoreAdmitted(child: RateLimit, bound: RateLimit): number {
  if (child.requests > bound.requests) return 0;
  let lengthMs = 1000;
  const extra = () => (lengthMs * child.requests) / (child.perSeconds * 1000) - (lengthMs * bound.requests) / (bound.perSeconds * 1000);
  while (extra() <= bound.requests - child.requests + 2) lengthMs *= 2;
  return lengthMs;
}
