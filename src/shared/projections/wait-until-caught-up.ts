import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';

/**
 * Waits, polling their stored checkpoints, until projections that another process runs hold every event of
 * their types that the log held when called. Answers the names of those still behind after `waitMs`.
 */
export async function waitUntilCaughtUp(
  store: EventStore,
  projections: readonly Pick<Projection, 'name' | 'eventTypes' | 'checkpoint'>[],
  timing: { waitMs: number; pollMs: number },
): Promise<string[]> {
  const head = await store.headPosition();
  if (head === null) return [];
  // Monotonic: by Date.now(), a clock stepped back an hour (NTP) during the wait made a command wait that hour.
  const deadline = performance.now() + timing.waitMs;
  const behind: string[] = [];
  for (const projection of projections) {
    for (;;) {
      // Caught up once no event of its types lies between its checkpoint and that head: a checkpoint moved past
      // other events only now and then is no lag.
      const pending = await store.readAll({ after: await projection.checkpoint(), maxCount: 1, types: projection.eventTypes });
      if (pending.length === 0 || pending[0].position > head) break;
      if (performance.now() >= deadline) {
        behind.push(projection.name);
        break;
      }
      await sleep(timing.pollMs);
    }
  }
  return behind;
}
