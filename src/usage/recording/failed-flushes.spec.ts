import { jest } from '@jest/globals';
import { FailedFlushes, MAX_RETRY_DELAY_MS } from './failed-flushes.js';

describe('FailedFlushes', () => {
  let now: number;
  let flushes: FailedFlushes;

  beforeEach(() => {
    now = 0;
    flushes = new FailedFlushes(100, () => now);
  });

  it('logs an outage once when it starts, again when its reason changes, and once when it ends', () => {
    const lines = [];
    for (let i = 0; i < 50; i++) lines.push(flushes.failed(10 + i, 'database or disk is full'));
    lines.push(flushes.failed(60, 'disk I/O error'), flushes.failed(61, 'disk I/O error'));
    now = 25_000;
    lines.push(flushes.succeeded(), flushes.succeeded());
    expect(lines.filter((line) => line !== null)).toEqual([
      `Usage flush of 10 events failed, will retry (at least every ${MAX_RETRY_DELAY_MS / 1000} s, logged again when it succeeds): database or disk is full`,
      'Usage flush of 60 events still failing after 51 attempts, now: disk I/O error',
      'Usage flush succeeded again after 52 failed attempt(s) over 25.0 s',
    ]);
  });

  it('backs automatic flushes off, doubling from the flush interval up to the cap, and not after a success', () => {
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      flushes.failed(1, 'full');
      const from = now;
      while (!flushes.due()) now += 50;
      waits.push(now - from);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, MAX_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS]);
    flushes.failed(1, 'full');
    flushes.succeeded();
    expect(flushes.due()).toBe(true);
  });

  it('retries after the backoff even when the wall clock steps back meanwhile', () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 6, 12) });
    try {
      const byDefaultClock = new FailedFlushes(100);
      byDefaultClock.failed(1, 'disk I/O error');
      jest.setSystemTime(Date.now() - 3_600_000); // NTP steps the clock back an hour; the monotonic clock goes on
      jest.advanceTimersByTime(100);
      expect(byDefaultClock.due()).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
