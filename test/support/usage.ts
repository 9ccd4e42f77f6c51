import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../../src/shared/projections/projection-progress.js';
import { UsageRecorder } from '../../src/usage/recording/usage-recorder.js';
import type { TestApp } from './test-app.js';

/** Writes buffered usage now and waits until the read models show it. */
export async function flushUsage(t: TestApp): Promise<void> {
  await t.app.get(UsageRecorder).flush();
  const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
  await t.app.get(ProjectionProgress).caughtUpTo(head);
}
