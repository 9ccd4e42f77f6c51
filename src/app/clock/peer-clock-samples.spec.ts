import type { ServiceHeartbeat } from '../../shared/storage/service-heartbeats.port.js';
import { PeerClockSamples } from './peer-clock-samples.js';

const HOUR = 3_600_000;
const LIVE_FOR = 6000;
const beat = (holder: string, atMs: number): ServiceHeartbeat => ({ holder, host: 'h', pid: 1, beatAt: new Date(atMs) });
/** A read that takes no time at this monotonic instant, and a fast store's write. */
const at = (monotonicMs: number) => ({ startedMs: monotonicMs, endedMs: monotonicMs });
const FAST_WRITE = 2;
const estimates = (samples: PeerClockSamples, monotonicMs: number) => samples.offsets(monotonicMs).map((offset) => offset.estimateMs);

describe('PeerClockSamples', () => {
  const T = Date.UTC(2026, 11, 5, 18, 0, 0);

  it('takes no sample from a beat seen once: it may be an old row of a process long gone', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    samples.observe([beat('me', T), beat('dead', T - HOUR)], T, at(0), FAST_WRITE);
    samples.observe([beat('me', T + 500), beat('dead', T - HOUR)], T + 500, at(500), FAST_WRITE);
    expect(estimates(samples, 500)).toEqual([]);
  });

  it('measures a peer an hour ahead from the beats it writes, the best sample within a read period', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    // The peer beats about every 2 s by its clock (an hour ahead); this instance reads every 500 ms.
    const writes = [-300, 1700, 3900, 5600];
    for (let mono = 0; mono <= 8000; mono += 500) {
      const written = writes.filter((at) => at <= mono).at(-1)!;
      samples.observe([beat('peer', T + HOUR + written)], T + mono, at(mono), FAST_WRITE);
    }
    // Read 300, 100 and 400 ms after they were written: the closest is the estimate.
    const [offset] = estimates(samples, 8000);
    expect(offset).toBe(HOUR - 100);
  });

  it('bounds the offset from above: a changed beat was written after the read before started, less a write', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    samples.observe([beat('peer', T)], T, { startedMs: 0, endedMs: 0 }, 0);
    // A slow store: the read started at 1 s ended at 5 s (3 s after the beat was written), writes take 1 s.
    samples.observe([beat('peer', T + 2000)], T + 5000, { startedMs: 1000, endedMs: 5000 }, 1000);
    expect(samples.offsets(5000)).toEqual([{ estimateMs: -3000, slackMs: 5000 - 0 + 1000 }]);
    // Fast again: read from 7.1 s to 7.2 s, 200 ms after the beat, writes 10 ms; its slack runs from the read at 1 s
    // (-200 + 6,210), wider than the first sample's end (-3,000 + 6,000 = 3,000), which stays the bound.
    samples.observe([beat('peer', T + 7000)], T + 7200, { startedMs: 7100, endedMs: 7200 }, 10);
    expect(samples.offsets(7200)).toEqual([{ estimateMs: -200, slackMs: 3000 - -200 }]);
    // Read every 500 ms again: a beat seen 100 ms after it was written, its slack from the read at 7.6 s.
    samples.observe([beat('peer', T + 7000)], T + 7700, { startedMs: 7600, endedMs: 7700 }, 10);
    samples.observe([beat('peer', T + 8000)], T + 8100, { startedMs: 8050, endedMs: 8100 }, 10);
    expect(samples.offsets(8100)).toEqual([{ estimateMs: -100, slackMs: 8100 - 7600 + 10 }]);
  });

  it('does not take a clock an hour ahead for a sign of death: liveness is the beat changing, by the monotonic clock', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    // Seen from an instance an hour ahead, every beat of the peer is an hour old.
    samples.observe([beat('peer', T - 2000)], T + HOUR, at(0), FAST_WRITE);
    samples.observe([beat('peer', T)], T + HOUR + 100, at(500), FAST_WRITE);
    expect(estimates(samples, 500)).toEqual([-HOUR - 100]);
  });

  it('forgets a peer whose beat has not changed for longer than it lives, row or no row', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    samples.observe([beat('peer', T)], T, at(0), FAST_WRITE);
    samples.observe([beat('peer', T + 2000)], T + 2000, at(2000), FAST_WRITE);
    expect(estimates(samples, 2000)).toEqual([0]);
    samples.observe([beat('peer', T + 2000)], T + 9000, at(9000), FAST_WRITE);
    expect(estimates(samples, 9000)).toEqual([]);
    // Its row removed (a clean stop): forgotten, and a new first sighting is no sample.
    samples.observe([], T + 9500, at(9500), FAST_WRITE);
    samples.observe([beat('peer', T + 10_000)], T + 10_000, at(10_000), FAST_WRITE);
    expect(estimates(samples, 10_000)).toEqual([]);
  });

  it('keeps a live peer whose row another instance removed for a moment, and samples it when it is back', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    samples.observe([beat('peer', T)], T, at(0), FAST_WRITE);
    samples.observe([beat('peer', T + 2000)], T + 2100, at(2100), FAST_WRITE);
    samples.observe([], T + 2600, at(2600), FAST_WRITE);
    expect(estimates(samples, 2600)).toEqual([-100]);
    samples.observe([beat('peer', T + 4000)], T + 4050, at(4050), FAST_WRITE);
    expect(estimates(samples, 4050)).toEqual([-50]);
  });

  it('finds the beats that stood still for the given time under its watch, whatever their age by this clock', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    samples.observe([beat('crashed', T - 10_000), beat('peer', T + HOUR)], T + HOUR, at(0), FAST_WRITE);
    samples.observe([beat('crashed', T - 10_000), beat('peer', T + HOUR + 2000)], T + HOUR + 2000, at(2000), FAST_WRITE);
    expect(samples.stillFor(HOUR, HOUR - 1)).toEqual([]);
    samples.observe([beat('crashed', T - 10_000), beat('peer', T + 2 * HOUR)], T + 2 * HOUR, at(HOUR), FAST_WRITE);
    expect(samples.stillFor(HOUR, HOUR)).toEqual(['crashed']);
    samples.forget(['crashed']);
    expect(samples.stillFor(HOUR, 2 * HOUR)).toEqual(['peer']);
  });
});
