import { UsageRecorder } from '../../src/usage/recording/usage-recorder.js';
import type { TestApp } from './test-app.js';

const HOUR_MS = 3_600_000;

/**
 * Records uses of a key as if they had happened hours ago, through the service's own recorder, so a
 * 24-hour chart has more than the current hour. `usesByHoursAgo[h]` uses are recorded h hours back.
 * Returns how many were recorded; flush them with flushUsage.
 */
export function recordPastUses(t: TestApp, key: { id: string; accountId: string }, usesByHoursAgo: Record<number, number>): number {
  const recorder = t.app.get(UsageRecorder);
  const now = Date.now();
  let recorded = 0;
  for (const [hoursAgo, uses] of Object.entries(usesByHoursAgo)) {
    for (let i = 0; i < uses; i++) {
      recorder.record({
        keyId: key.id,
        accountId: key.accountId,
        usedAt: new Date(now - Number(hoursAgo) * HOUR_MS - i * 1000).toISOString(),
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
