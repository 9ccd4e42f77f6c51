import { UsageRecorder } from '../../src/usage/recording/usage-recorder.js';
import type { TestApp } from './test-app.js';

const HOUR_MS = 3_600_000;

/**
 * Records uses of a key as if they had happened hours ago, through the service's own recorder, so a
 * 24-hour chart has more than the current hour. `usesByHoursAgo[h]` uses are recorded in the clock hour h hours
 * before the current one, a second apart from its middle back: the charts count by clock hour, and uses recorded
 * h hours back from any moment would fall into two bars when that moment is within seconds after a full hour. They are
 * recorded oldest first.
 * Returns how many were recorded; flush them with flushUsage.
 */
export function recordPastUses(t: TestApp, key: { id: string; accountId: string }, usesByHoursAgo: Record<number, number>): number {
  const recorder = t.app.get(UsageRecorder);
  const middleOfThisHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + HOUR_MS / 2;
  let recorded = 0;
  // Oldest first, as a service records them: the usage stream in time order, as the history's paging expects of it.
  for (const [hoursAgo, uses] of Object.entries(usesByHoursAgo).sort(([a], [b]) => Number(b) - Number(a))) {
    for (let i = uses - 1; i >= 0; i--) {
      recorder.record({
        keyId: key.id,
        accountId: key.accountId,
        usedAt: new Date(middleOfThisHour - Number(hoursAgo) * HOUR_MS - i * 1000).toISOString(),
        requestId: `req_seed_${hoursAgo}_${i}`,
        ip: '203.0.113.7',
        userAgent: 'nightly-sync/2.1',
        method: 'POST',
        path: '/v1/parses',
        outcome: 'accepted',
      });
      recorded += 1;
    }
  }
  return recorded;
}
