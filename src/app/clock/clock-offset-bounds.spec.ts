import { offsetBounds, type PeerOffset, standingAmongPeers } from '../../shared/runtime/clock-standing.js';
import { PeerClockSamples } from './peer-clock-samples.js';

const T = Date.UTC(2026, 11, 6, 1, 0, 0);
const TOLERANCE = 2000;

/**
 * Two instances on one host (one clock): the other writes its beat every 2 s, `phaseMs` into its period, and this one
 * reads every 500 ms from 0 (a read and a write take 2 ms): each beat is first seen `500 - phaseMs` ms or so after it
 * was written, every time, the timers keeping their phase.
 */
function offsetsOnOneClock(phaseMs: number): PeerOffset[] {
  const samples = new PeerClockSamples('this', 6000);
  for (let startedMs = 0; startedMs < 30_000; startedMs += 500) {
    const endedMs = startedMs + 2;
    const written = Math.floor((startedMs + 1 - 2 - phaseMs) / 2000) * 2000 + phaseMs;
    samples.observe([{ holder: 'other', host: 'h', pid: 2, beatAt: new Date(T + written) }], T + endedMs, { startedMs, endedMs }, 2);
  }
  return samples.offsets(30_000);
}

describe('offsetBounds: what parsesphere_clock_offset_seconds and _uncertainty_seconds report', () => {
  // The metrics audit (2026-12-06): two instances on one host read +0.41 s and +0.30 s, each ahead of the other.
  it('brackets 0 for two instances on one clock, which the estimate alone puts 0.41 s ahead', () => {
    const peers = offsetsOnOneClock(90);
    const standing = standingAmongPeers(peers, TOLERANCE);
    // The decisions' figure, unchanged: at most this far ahead.
    expect(standing).toMatchObject({ status: 'agrees', offsetMs: 412, outvoted: false });
    const bounds = offsetBounds(peers)!;
    expect(bounds.midpointMs - bounds.halfWidthMs).toBeLessThanOrEqual(0);
    expect(bounds.midpointMs + bounds.halfWidthMs).toBe(412);
    expect(Math.abs(bounds.midpointMs)).toBeLessThan(412 / 2);
    expect(bounds.halfWidthMs).toBeLessThan(300);
  });

  it('is the offset itself, to the millisecond, for peers known exactly; nothing alone', () => {
    expect(offsetBounds([{ estimateMs: -3_600_000, slackMs: 0 }])).toEqual({ midpointMs: 3_600_000, halfWidthMs: 0 });
    expect(offsetBounds([])).toBeNull();
  });

  it('bounds the median of three peers by the medians of their ends', () => {
    // This clock 1 s ahead of two peers (their beats read 0.1 s and 0.3 s late, 0.5 s slack each), an hour ahead of the third.
    const peers = [
      { estimateMs: -1100, slackMs: 500 },
      { estimateMs: -1300, slackMs: 500 },
      { estimateMs: -3_600_100, slackMs: 500 },
    ];
    const bounds = offsetBounds(peers)!;
    expect(bounds).toEqual({ midpointMs: 1050, halfWidthMs: 250 });
    expect(Math.abs(1000 - bounds.midpointMs)).toBeLessThanOrEqual(bounds.halfWidthMs);
  });
});
