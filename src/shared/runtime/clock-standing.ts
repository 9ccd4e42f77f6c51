/**
 * How this instance's clock stands against the other instances' clocks. A decision that is written down for good
 * and dated by this clock (a key's expiry: KeyExpired is final) is only taken by an instance whose clock agrees:
 * one host with a bad clock must not end every instance's keys, nor date events in the future.
 */
export interface ClockStanding {
  /**
   * agrees: within the tolerance of most instances' clocks; out_of_step: not (this clock is off, or no majority of
   * the instances agrees with it: two instances that disagree cannot tell which one is off); unmeasured: no other
   * instance to measure against (alone); measuring: just started, with other instances' heartbeats to watch.
   */
  status: 'agrees' | 'out_of_step' | 'unmeasured' | 'measuring';
  /** How far this clock is ahead (+) or behind (-) the median of the other instances' clocks; null when unmeasured. */
  offsetMs: number | null;
  /** Live instances measured, this one included (1 when alone). */
  instances: number;
  /** Of them, those whose clock reads within the tolerance of this one, this one included. */
  agreeing: number;
  /**
   * A strict majority of the instances read within the tolerance of each other and beyond it from this clock: unlike
   * a tie, there is no doubt which clock is off. Such an instance takes no change dated by its clock and leaves the
   * balancer (readiness) until its clock is fixed.
   */
  outvoted: boolean;
}

export const CLOCK_WATCH = Symbol('CLOCK_WATCH');

/** What the service provides under CLOCK_WATCH: the standing as last measured. */
export interface ClockWatch {
  standing(): ClockStanding;
}

export const ALONE: ClockStanding = { status: 'unmeasured', offsetMs: null, instances: 1, agreeing: 1, outvoted: false };
export const MEASURING: ClockStanding = { status: 'measuring', offsetMs: null, instances: 1, agreeing: 1, outvoted: false };

/** Where nothing measures the clock (the CLI, a test module): nothing is held back. */
export const UNWATCHED_CLOCK: ClockWatch = { standing: () => ALONE };

/**
 * A live peer's clock offset (its clock minus this one, in ms), as read off its heartbeats: at least `estimateMs`
 * (a beat is read some time after it was written, which only makes the peer seem further behind) and at most
 * `estimateMs + slackMs` (that time, bounded by what this instance measured of its reads and writes).
 */
export interface PeerOffset {
  estimateMs: number;
  slackMs: number;
}

/**
 * The standing of this clock among its peers: it agrees when a strict majority of the instances, itself included,
 * read within `toleranceMs` of it (by the estimates). Outvoted needs proof: a peer counts against this clock only
 * when even the far end of its slack is beyond the tolerance. A slow heartbeat store makes every peer seem behind
 * by its latency, on every instance at once: by the estimates alone each would find itself outvoted.
 */
export function standingAmongPeers(peers: readonly PeerOffset[], toleranceMs: number): ClockStanding {
  if (peers.length === 0) return ALONE;
  const estimates = peers.map((peer) => peer.estimateMs);
  const instances = peers.length + 1;
  const agreeing = 1 + estimates.filter((offset) => Math.abs(offset) <= toleranceMs).length;
  const offsetMs = -median(estimates);
  const disagreeing = peers.filter(({ estimateMs, slackMs }) => estimateMs > toleranceMs || estimateMs + slackMs < -toleranceMs);
  const outvoted = 2 * largestAgreeingGroup(disagreeing.map((peer) => peer.estimateMs), toleranceMs) > instances;
  return { status: 2 * agreeing > instances ? 'agrees' : 'out_of_step', offsetMs: Math.round(offsetMs), instances, agreeing, outvoted };
}

/** The most clocks that all read within `toleranceMs` of each other: the widest run of sorted offsets that span it. */
function largestAgreeingGroup(offsetsMs: readonly number[], toleranceMs: number): number {
  const sorted = [...offsetsMs].sort((a, b) => a - b);
  let largest = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! > toleranceMs) first++;
    largest = Math.max(largest, last - first + 1);
  }
  return largest;
}

/**
 * The standing since this instance started to watch: while it has other instances' heartbeats to watch and has
 * not watched them `windowMs` (long enough to see each live one beat twice), it is still measuring. Judging
 * earlier would judge on the first instances seen: a correct clock that saw only the one an hour ahead would
 * call itself out of step, and one an hour ahead that saw nobody yet would expire every key it finds due.
 */
export function standingSinceStart(watch: { watchedMs: number; windowMs: number; othersSeen: boolean; peerOffsets: readonly PeerOffset[] }, toleranceMs: number): ClockStanding {
  if (watch.othersSeen && watch.watchedMs < watch.windowMs) return MEASURING;
  return standingAmongPeers(watch.peerOffsets, toleranceMs);
}

/**
 * Where the peers' offsets put this clock against their median, for reporting only (the decisions above keep the
 * estimates): the standing's offsetMs is the far end, since a beat read late only makes a peer seem further behind,
 * and each peer's slack gives the near end; a median of bounds bounds the median. `midpointMs` ± `halfWidthMs`: two
 * instances on one clock, each reading the other's beats some 0.3–0.4 s late, each said it was that far ahead.
 */
export function offsetBounds(peers: readonly PeerOffset[]): { midpointMs: number; halfWidthMs: number } | null {
  if (peers.length === 0) return null;
  const atMostMs = -median(peers.map((peer) => peer.estimateMs));
  const atLeastMs = -median(peers.map((peer) => peer.estimateMs + peer.slackMs));
  return { midpointMs: (atMostMs + atLeastMs) / 2, halfWidthMs: (atMostMs - atLeastMs) / 2 };
}

/** Whether this instance may take a change dated by its clock (create, restrict, roll, disable, enable a key). */
export function mayDateChanges(standing: ClockStanding): boolean {
  return !standing.outvoted;
}

/** Whether this instance may write a decision dated by its own clock that nobody can undo (a key's expiry). */
export function mayDecideByClock(standing: ClockStanding): boolean {
  return standing.status === 'agrees' || standing.status === 'unmeasured';
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
