import { pidHost, processExists } from '../../shared/runtime/process-identity.js';
import type { ServiceHeartbeat, ServiceHeartbeats } from '../../shared/storage/service-heartbeats.port.js';

/** How often a running service says so, and after how long without a word it counts as gone. */
export const HEARTBEAT_INTERVAL_MS = 2000;
export const HEARTBEAT_STALE_AFTER_MS = 10_000;
/** A heartbeat that has not changed for this long (watched by the monotonic clock) is a crashed service's, and removed. */
export const HEARTBEAT_FORGET_AFTER_MS = 3_600_000;


/**
 * The running services that hold the store: a fresh heartbeat, unless it comes from a process of this host (and PID
 * namespace: pidHost) that no longer exists (a service killed before it could say goodbye).
 */
export async function servicesHolding(heartbeats: ServiceHeartbeats, now = new Date()): Promise<ServiceHeartbeat[]> {
  const fresh = await heartbeats.since(new Date(now.getTime() - HEARTBEAT_STALE_AFTER_MS));
  return fresh.filter((beat) => beat.host !== pidHost() || processExists(beat.pid));
}
