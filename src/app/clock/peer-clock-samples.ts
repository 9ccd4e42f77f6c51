import type { PeerOffset } from '../../shared/runtime/clock-standing.js';
import type { ServiceHeartbeat } from '../../shared/storage/service-heartbeats.port.js';

/** Samples kept per peer: the best of them is within one read period of its offset. */
const SAMPLES_KEPT = 5;

interface Peer {
  beatAtMs: number;
  /** This process's monotonic time when it first saw the beat or saw it change last. */
  movedAt: number;
  /** This process's monotonic time when its beat last changed; null until it has changed once under our eyes. */
  changedAt: number | null;
  samples: Sample[];
}

/** `beatAt - now` when the beat was first seen changed: the offset less the time it took to be read, at most `slackMs`. */
interface Sample {
  valueMs: number;
  slackMs: number;
}

/**
 * Each other instance's clock offset (its clock minus ours), read off the heartbeats every instance writes with its
 * own clock. A beat is written when its instance says (beatAt, by its clock) and seen here at our `now`, some time
 * later: `beatAt - now` is at most the offset, and short of it by the time until we read it, taken at the first read
 * that sees the beat change: the write's time, and at most from the start of the read before to the end of this one
 * (the slack the watch gives, measured). The largest of the last few is the estimate; the smallest of their ends
 * bounds it from above.
 * Liveness is judged by the monotonic clock only (a beat that changed lately), never by comparing the two clocks,
 * which is what is being measured: a clock an hour ahead finds every beat an hour old.
 */
export class PeerClockSamples {
  private readonly peers = new Map<string, Peer>();
  private lastReadStartedMs: number | null = null;

  constructor(
    private readonly self: string,
    /** A peer whose beat has not changed for this long (monotonic ms) is gone. */
    private readonly liveForMs: number,
  ) {}

  /**
   * One read of every heartbeat, at `nowMs` by this clock, started and ended at `read` by the monotonic one; the
   * other services' beats take `writeLatencyMs` to be written (this service's own beats' time: one store).
   */
  observe(beats: readonly ServiceHeartbeat[], nowMs: number, read: { startedMs: number; endedMs: number }, writeLatencyMs: number): void {
    const monotonicMs = read.endedMs;
    // A beat first seen changed now became visible after the previous read started, and was written before that.
    const slackMs = read.endedMs - (this.lastReadStartedMs ?? read.startedMs) + writeLatencyMs;
    this.lastReadStartedMs = read.startedMs;
    const seen = new Set<string>();
    for (const beat of beats) {
      if (beat.holder === this.self) continue;
      seen.add(beat.holder);
      const beatAtMs = beat.beatAt.getTime();
      const peer = this.peers.get(beat.holder);
      // First sight: when it was written is unknown (maybe by a process long gone), so it is no sample.
      if (!peer) this.peers.set(beat.holder, { beatAtMs, movedAt: monotonicMs, changedAt: null, samples: [] });
      else if (peer.beatAtMs !== beatAtMs) {
        peer.beatAtMs = beatAtMs;
        peer.movedAt = monotonicMs;
        peer.changedAt = monotonicMs;
        peer.samples = [...peer.samples, { valueMs: beatAtMs - nowMs, slackMs }].slice(-SAMPLES_KEPT);
      }
    }
    for (const [holder, peer] of this.peers) {
      if (!seen.has(holder) && !this.isLive(peer, monotonicMs)) this.peers.delete(holder);
    }
  }

  /**
   * The holders whose beat has stood still under our eyes for `afterMs` (monotonic): crashed services, whose rows may
   * be removed. Judged without comparing clocks, so a clock far ahead does not take the live services' beats for old.
   */
  stillFor(afterMs: number, monotonicMs: number): string[] {
    return [...this.peers].filter(([, peer]) => monotonicMs - peer.movedAt >= afterMs).map(([holder]) => holder);
  }

  /** Removed from the store: forgotten here too. */
  forget(holders: readonly string[]): void {
    for (const holder of holders) this.peers.delete(holder);
  }

  /** Whether any other instance's heartbeat is known, live or not (yet). */
  get othersSeen(): boolean {
    return this.peers.size > 0;
  }

  /** The offset of each live peer (ms; positive: its clock is ahead of ours), with how much more it may be. */
  offsets(monotonicMs: number): PeerOffset[] {
    return [...this.peers.values()].filter((peer) => this.isLive(peer, monotonicMs)).map(({ samples }) => {
      const estimateMs = Math.max(...samples.map((sample) => sample.valueMs));
      const atMostMs = Math.min(...samples.map((sample) => sample.valueMs + sample.slackMs));
      return { estimateMs, slackMs: Math.max(0, atMostMs - estimateMs) };
    });
  }

  private isLive(peer: Peer, monotonicMs: number): boolean {
    return peer.changedAt !== null && monotonicMs - peer.changedAt <= this.liveForMs;
  }
}
