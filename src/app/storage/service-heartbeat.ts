import { setTimeout as sleep } from 'node:timers/promises';
import { pidHost, processExists } from '../../shared/runtime/process-identity.js';
import type { ServiceHeartbeat, ServiceHeartbeats } from '../../shared/storage/service-heartbeats.port.js';

/** How often a running service says so, and after how long without a word it counts as gone. */
export const HEARTBEAT_INTERVAL_MS = 2000;
export const HEARTBEAT_STALE_AFTER_MS = 10_000;
/** A heartbeat that has not changed for this long (watched by the monotonic clock) is a crashed service's, and removed. */
export const HEARTBEAT_FORGET_AFTER_MS = 3_600_000;
/** How long a heartbeat that seems stale by this clock is watched for a beat before it counts as gone. */
export const HEARTBEAT_WATCH_MS = HEARTBEAT_INTERVAL_MS + 500;

/**
 * The running services that hold the store: a fresh heartbeat, unless it comes from a process of this host (and PID
 * namespace: pidHost) that no longer exists (a service killed before it could say goodbye). A beat is stamped by its
 * writer's clock: one that seems stale here but is under an hour old may be a live service on a host whose clock is
 * behind this one, so it is read again after a beat's interval, and counts if it has changed. Judged by the stamp
 * alone, a service 30 s behind counted as gone, and `replay` deleted the generation it was serving.
 */
export async function servicesHolding(
  heartbeats: ServiceHeartbeats,
  now = new Date(),
  wait: (ms: number) => Promise<unknown> = (ms) => sleep(ms),
): Promise<ServiceHeartbeat[]> {
  const read = async (): Promise<ServiceHeartbeat[]> =>
    (await heartbeats.since(new Date(now.getTime() - HEARTBEAT_FORGET_AFTER_MS))).filter((beat) => beat.host !== pidHost() || processExists(beat.pid));
  const recent = await read();
  const freshSince = now.getTime() - HEARTBEAT_STALE_AFTER_MS;
  const fresh = recent.filter((beat) => beat.beatAt.getTime() >= freshSince);
  const doubtful = new Map(recent.filter((beat) => beat.beatAt.getTime() < freshSince).map((beat) => [beat.holder, beat.beatAt.getTime()]));
  if (doubtful.size === 0) return fresh;
  await wait(HEARTBEAT_WATCH_MS);
  const beating = (await read()).filter((beat) => doubtful.has(beat.holder) && doubtful.get(beat.holder) !== beat.beatAt.getTime());
  return [...fresh, ...beating];
}
