import { standingAmongPeers } from '../../shared/runtime/clock-standing.js';
import type { ServiceHeartbeat } from '../../shared/storage/service-heartbeats.port.js';
import { PeerClockSamples } from './peer-clock-samples.js';

const T = Date.UTC(2026, 11, 6, 1, 0, 0);
const TOLERANCE = 2000;
const BEAT_EVERY = 2000;
const READ_EVERY = 500;
const LIVE_FOR = 3 * BEAT_EVERY;

/**
 * Three instances on one store, seen from the first, over a minute: each writes its beat every 2 s (the write takes
 * `writeMs` to be visible), the first reads them all every 500 ms or as soon as its last read ended (a read takes
 * `readMs`, its snapshot taken half way). `aheadMs`: how far the first instance's clock is ahead of the two others'.
 */
function standingOfTheFirst(options: { readMs: number; writeMs: number; aheadMs: number; withSlack: boolean }) {
  const { readMs, writeMs, aheadMs, withSlack } = options;
  const samples = new PeerClockSamples('first', LIVE_FOR);
  const beatsVisibleAt = (at: number): ServiceHeartbeat[] =>
    ['second', 'third'].map((holder, i) => {
      const written = Math.floor((at - writeMs - 300 * i) / BEAT_EVERY) * BEAT_EVERY + 300 * i;
      return { holder, host: 'h', pid: i, beatAt: new Date(T + written) };
    });
  let endedMs = 0;
  for (let startedMs = 0; startedMs < 60_000; startedMs = Math.max(startedMs + READ_EVERY, endedMs)) {
    endedMs = startedMs + readMs;
    samples.observe(beatsVisibleAt(startedMs + readMs / 2), T + endedMs + aheadMs, { startedMs, endedMs }, writeMs);
  }
  const offsets = samples.offsets(endedMs);
  return standingAmongPeers(withSlack ? offsets : offsets.map(({ estimateMs }) => ({ estimateMs, slackMs: 0 })), TOLERANCE);
}

describe('the clock standing read off a slow heartbeat store', () => {
  it('does not outvote an instance whose clock agrees with the others when the store takes seconds (the soak audit: 0.9 s each way)', () => {
    expect(standingOfTheFirst({ readMs: 1800, writeMs: 1800, aheadMs: 0, withSlack: true })).toMatchObject({ outvoted: false, instances: 3 });
  });

  it('would be by the estimates alone: the others seem 2 s or more behind it, and agree with each other', () => {
    expect(standingOfTheFirst({ readMs: 1800, writeMs: 1800, aheadMs: 0, withSlack: false })).toMatchObject({ outvoted: true });
  });

  it('still outvotes an instance an hour ahead through the same slow store, and one 5 s ahead through a fast one', () => {
    expect(standingOfTheFirst({ readMs: 1800, writeMs: 1800, aheadMs: 3_600_000, withSlack: true })).toMatchObject({ outvoted: true });
    expect(standingOfTheFirst({ readMs: 2, writeMs: 2, aheadMs: 5000, withSlack: true })).toMatchObject({ outvoted: true, offsetMs: expect.any(Number) });
  });

  it('agrees through a fast store', () => {
    expect(standingOfTheFirst({ readMs: 2, writeMs: 2, aheadMs: 0, withSlack: true })).toMatchObject({ status: 'agrees', outvoted: false });
  });
});
