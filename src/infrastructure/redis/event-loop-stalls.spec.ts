import { jest } from '@jest/globals';
import { watchEventLoopStalls } from './event-loop-stalls.js';

describe('watchEventLoopStalls', () => {
  afterEach(() => jest.useRealTimers());

  it('tells the longest stall of the last two seconds, and forgets it after', () => {
    jest.useFakeTimers();
    let clock = 0;
    const longest = watchEventLoopStalls(() => clock);
    const tick = (lateMs = 0) => {
      clock += 50 + lateMs;
      jest.advanceTimersByTime(50);
    };
    for (let i = 0; i < 10; i++) tick();
    expect(longest()).toBe(0);
    tick(770);
    tick(120);
    expect(longest()).toBe(770);
    for (let i = 0; i < 41; i++) tick();
    expect(longest()).toBe(0);
  });
});
