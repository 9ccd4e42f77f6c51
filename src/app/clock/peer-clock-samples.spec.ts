import type { ServiceHeartbeat } from '../../shared/storage/service-heartbeats.port.js';
import { PeerClockSamples } from './peer-clock-samples.js';

const HOUR = 3_600_000;
const LIVE_FOR = 6000;
const beat = (holder: string, atMs: number): ServiceHeartbeat => ({ holder, host: 'h', pid: 1, beatAt: new Date(atMs) });

describe('PeerClockSamples', () => {
  const T = Date.UTC(2026, 11, 5, 18, 0, 0);

  it('takes no sample from a beat seen once: it may be an old row of a process long gone', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    samples.observe([beat('me', T), beat('dead', T - HOUR)], T, 0);
    samples.observe([beat('me', T + 500), beat('dead', T - HOUR)], T + 500, 500);
    expect(samples.offsets(500)).toEqual([]);
  });

  it('measures a peer an hour ahead from the beats it writes, the best sample within a read period', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    // The peer beats about every 2 s by its clock (an hour ahead); this instance reads every 500 ms.
    const writes = [-300, 1700, 3900, 5600];
    for (let mono = 0; mono <= 8000; mono += 500) {
      const written = writes.filter((at) => at <= mono).at(-1)!;
      samples.observe([beat('peer', T + HOUR + written)], T + mono, mono);
    }
    // Read 300, 100 and 400 ms after they were written: the closest is the estimate.
    const [offset] = samples.offsets(8000);
    expect(offset).toBe(HOUR - 100);
  });

  it('does not take a clock an hour ahead for a sign of death: liveness is the beat changing, by the monotonic clock', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    // Seen from an instance an hour ahead, every beat of the peer is an hour old.
    samples.observe([beat('peer', T - 2000)], T + HOUR, 0);
    samples.observe([beat('peer', T)], T + HOUR + 100, 500);
    expect(samples.offsets(500)).toEqual([-HOUR - 100]);
  });

  it('forgets a peer whose beat has not changed for longer than it lives, row or no row', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    samples.observe([beat('peer', T)], T, 0);
    samples.observe([beat('peer', T + 2000)], T + 2000, 2000);
    expect(samples.offsets(2000)).toEqual([0]);
    samples.observe([beat('peer', T + 2000)], T + 9000, 9000);
    expect(samples.offsets(9000)).toEqual([]);
    // Its row removed (a clean stop): forgotten, and a new first sighting is no sample.
    samples.observe([], T + 9500, 9500);
    samples.observe([beat('peer', T + 10_000)], T + 10_000, 10_000);
    expect(samples.offsets(10_000)).toEqual([]);
  });

  it('keeps a live peer whose row another instance removed for a moment, and samples it when it is back', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    samples.observe([beat('peer', T)], T, 0);
    samples.observe([beat('peer', T + 2000)], T + 2100, 2100);
    samples.observe([], T + 2600, 2600);
    expect(samples.offsets(2600)).toEqual([-100]);
    samples.observe([beat('peer', T + 4000)], T + 4050, 4050);
    expect(samples.offsets(4050)).toEqual([-50]);
  });

  it('finds the beats that stood still for the given time under its watch, whatever their age by this clock', () => {
    const samples = new PeerClockSamples('me', LIVE_FOR);
    samples.observe([beat('crashed', T - 10_000), beat('peer', T + HOUR)], T + HOUR, 0);
    samples.observe([beat('crashed', T - 10_000), beat('peer', T + HOUR + 2000)], T + HOUR + 2000, 2000);
    expect(samples.stillFor(HOUR, HOUR - 1)).toEqual([]);
    samples.observe([beat('crashed', T - 10_000), beat('peer', T + 2 * HOUR)], T + 2 * HOUR, HOUR);
    expect(samples.stillFor(HOUR, HOUR)).toEqual(['crashed']);
    samples.forget(['crashed']);
    expect(samples.stillFor(HOUR, 2 * HOUR)).toEqual(['peer']);
  });
});
