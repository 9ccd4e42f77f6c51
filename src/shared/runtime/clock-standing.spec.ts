import { MEASURING, mayDateChanges, mayDecideByClock, type PeerOffset, standingAmongPeers, standingSinceStart } from './clock-standing.js';

const HOUR = 3_600_000;
const TOLERANCE = 2000;
/** Peers whose offsets are known exactly (no slack). */
const exact = (...offsetsMs: number[]): PeerOffset[] => offsetsMs.map((estimateMs) => ({ estimateMs, slackMs: 0 }));

describe('standingAmongPeers', () => {
  it('is unmeasured alone, and then leaves time-based decisions to this instance', () => {
    const alone = standingAmongPeers(exact(), TOLERANCE);
    expect(alone).toEqual({ status: 'unmeasured', offsetMs: null, instances: 1, agreeing: 1, outvoted: false });
    expect(mayDecideByClock(alone)).toBe(true);
    expect(mayDateChanges(alone)).toBe(true);
  });

  it("the auditor's three instances: the one an hour ahead is out of step, the two others agree", () => {
    const skewed = standingAmongPeers(exact(-HOUR, -HOUR + 40), TOLERANCE);
    expect(skewed).toEqual({ status: 'out_of_step', offsetMs: HOUR - 20, instances: 3, agreeing: 1, outvoted: true });
    expect(mayDecideByClock(skewed)).toBe(false);
    expect(mayDateChanges(skewed)).toBe(false);
    const correct = standingAmongPeers(exact(-40, HOUR - 40), TOLERANCE);
    expect(correct).toEqual({ status: 'agrees', offsetMs: -(HOUR - 80) / 2, instances: 3, agreeing: 2, outvoted: false });
    expect(mayDecideByClock(correct)).toBe(true);
    expect(mayDateChanges(correct)).toBe(true);
  });

  it('a clock behind by more than the tolerance is out of step too', () => {
    expect(standingAmongPeers(exact(5000, 5200, 4900), TOLERANCE)).toMatchObject({ status: 'out_of_step', offsetMs: -5000, agreeing: 1 });
  });

  it('offsets within the tolerance, either way and at its edge, agree', () => {
    expect(standingAmongPeers(exact(TOLERANCE, -TOLERANCE, 300), TOLERANCE)).toMatchObject({ status: 'agrees', instances: 4, agreeing: 4, offsetMs: -300 });
    expect(standingAmongPeers(exact(TOLERANCE + 1), TOLERANCE)).toMatchObject({ status: 'out_of_step' });
  });

  it('two instances that disagree are both out of step, and neither is outvoted: neither can tell which clock is off', () => {
    expect(standingAmongPeers(exact(HOUR), TOLERANCE)).toMatchObject({ status: 'out_of_step', offsetMs: -HOUR, instances: 2, agreeing: 1, outvoted: false });
    expect(standingAmongPeers(exact(-HOUR), TOLERANCE)).toMatchObject({ status: 'out_of_step', offsetMs: HOUR, instances: 2, agreeing: 1, outvoted: false });
  });

  it('is outvoted only when a strict majority of the instances agree with each other and not with it', () => {
    // Three clocks each far from the others: no majority, so nobody is sure which is off.
    expect(standingAmongPeers(exact(HOUR, -HOUR), TOLERANCE)).toMatchObject({ status: 'out_of_step', outvoted: false });
    // Four instances, the two others agreeing: half is no majority.
    expect(standingAmongPeers(exact(HOUR, HOUR + 100, -HOUR), TOLERANCE)).toMatchObject({ status: 'out_of_step', outvoted: false });
    // Three of four agree with each other (across the tolerance, not just with the first), this one with none.
    expect(standingAmongPeers(exact(-5000, -5000 + TOLERANCE, -5000 + TOLERANCE / 2), TOLERANCE)).toMatchObject({ status: 'out_of_step', outvoted: true });
    // Spread wider than the tolerance, the three others do not all agree: no majority group.
    expect(standingAmongPeers(exact(-9000, -9000 + TOLERANCE + 1, HOUR), TOLERANCE)).toMatchObject({ outvoted: false });
    // Two of five an hour behind the three others: both outvoted.
    expect(standingAmongPeers(exact(300, HOUR, HOUR, HOUR), TOLERANCE)).toMatchObject({ status: 'out_of_step', agreeing: 2, outvoted: true });
    // One of the majority, seeing the two behind: agrees, not outvoted.
    expect(standingAmongPeers(exact(0, 0, -HOUR, -HOUR + 300), TOLERANCE)).toMatchObject({ status: 'agrees', outvoted: false });
    // A clock between two groups agreeing with some of the majority is not outvoted by it.
    expect(standingAmongPeers(exact(-1500, 1500, 1500 + TOLERANCE), TOLERANCE)).toMatchObject({ outvoted: false });
  });

  it('is not outvoted by peers that only seem behind by what reading their beats may take', () => {
    // A store answering in seconds: each of three instances on one clock reads both others about 3 s behind.
    const slowStore = [-3000, -3300].map((estimateMs) => ({ estimateMs, slackMs: 5400 }));
    expect(standingAmongPeers(slowStore, TOLERANCE)).toMatchObject({ status: 'out_of_step', offsetMs: 3150, outvoted: false });
    // Behind beyond the tolerance even at the far end of the slack: proven, outvoted.
    const behind = [-HOUR, -HOUR + 100].map((estimateMs) => ({ estimateMs, slackMs: 5400 }));
    expect(standingAmongPeers(behind, TOLERANCE)).toMatchObject({ outvoted: true });
    // Ahead is proven by the estimate itself: a late read only lowers it.
    const ahead = [3000, 3300].map((estimateMs) => ({ estimateMs, slackMs: 5400 }));
    expect(standingAmongPeers(ahead, TOLERANCE)).toMatchObject({ outvoted: true });
  });

  it('needs a strict majority: two of four is not one', () => {
    expect(standingAmongPeers(exact(0, HOUR, HOUR), TOLERANCE)).toMatchObject({ status: 'out_of_step', agreeing: 2, instances: 4 });
    expect(standingAmongPeers(exact(0, 0, HOUR), TOLERANCE)).toMatchObject({ status: 'agrees', agreeing: 3, instances: 4 });
  });
});

describe('standingSinceStart', () => {
  const WINDOW = 6000;

  it('alone from the first read: unmeasured at once, so a lone instance records expiries from its start', () => {
    expect(standingSinceStart({ watchedMs: 0, windowMs: WINDOW, othersSeen: false, peerOffsets: exact() }, TOLERANCE)).toMatchObject({ status: 'unmeasured' });
  });

  it('with other heartbeats to watch, measuring until the window has passed, and deciding nothing meanwhile', () => {
    // A correct instance that has seen only the one an hour ahead beat twice yet: not judged on that alone.
    const early = standingSinceStart({ watchedMs: 2500, windowMs: WINDOW, othersSeen: true, peerOffsets: exact(HOUR) }, TOLERANCE);
    expect(early).toEqual(MEASURING);
    expect(mayDecideByClock(early)).toBe(false);
    // An instance an hour ahead that has not seen a beat change yet: no expiry either.
    expect(mayDecideByClock(standingSinceStart({ watchedMs: 0, windowMs: WINDOW, othersSeen: true, peerOffsets: exact() }, TOLERANCE))).toBe(false);
    expect(standingSinceStart({ watchedMs: WINDOW, windowMs: WINDOW, othersSeen: true, peerOffsets: exact(HOUR, 30) }, TOLERANCE)).toMatchObject({ status: 'agrees', instances: 3 });
    // Heartbeats of services long gone: unmeasured once the window has passed.
    expect(standingSinceStart({ watchedMs: WINDOW, windowMs: WINDOW, othersSeen: true, peerOffsets: exact() }, TOLERANCE)).toMatchObject({ status: 'unmeasured' });
  });
});
