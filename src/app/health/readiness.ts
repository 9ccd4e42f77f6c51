import type { ProjectionLag } from '../projections/projections.service.js';
import { withinTime } from '../../shared/runtime/within-time.js';
import { errorMessage } from '../../shared/runtime/error-message.js';
import { StoreDamagedError } from '../../shared/storage/store-damaged.error.js';

export interface DependencyCheck {
  status: 'up' | 'down';
  error?: string;
  /** Down for data SQLite found damaged (StoreDamagedError, or its cause): said also to a caller not shown the error's text. */
  damaged?: true;
}

const PING_TIMEOUT_MS = 2000;
/**
 * Readiness's bound on the read-model store's ping, which never decides readiness: under the 1 s probe timeout of
 * Kubernetes' defaults, so a store that does not answer cannot fail every instance's probe together.
 */
export const READ_MODEL_PING_TIMEOUT_MS = 500;
/** Measuring the lag reads the log after each projection's position: longer than a ping, never unbounded. */
export const LAG_TIMEOUT_MS = 5000;

export async function checkDependency(ping: () => Promise<void>, timeoutMs = PING_TIMEOUT_MS): Promise<DependencyCheck> {
  try {
    await withinTime(ping, timeoutMs);
    return { status: 'up' };
  } catch (error) {
    const damaged = error instanceof StoreDamagedError || (error as { cause?: unknown } | null)?.cause instanceof StoreDamagedError;
    return { status: 'down', error: errorMessage(error), ...(damaged ? { damaged: true as const } : {}) };
  }
}

export interface LagLimits {
  maxLagEvents: number;
  maxLagMs: number;
}

/**
 * 'up' while paused by a move to a new generation of the read models (moving) unless failing; 'down' when not running, or failing (a failure not yet behind it: waiting out its retry delay, or retrying
 * without a write of its own gone through yet); 'lagging' when requests read it (role 'read-model' or
 * 'statistics') and it trails the log by more than either limit, or is being filled from the start of the log
 * (no position yet: a new read model, or one lost under the service), when what it answers is not near the log's
 * whatever the limits; 'up' otherwise. Background work (detection, delivery) never lags: nobody reads it.
 */
export function projectionHealth(lag: ProjectionLag, limits: LagLimits): 'up' | 'down' | 'lagging' {
  if (projectionStopped(lag)) return 'down';
  // Paused by a move to a new generation: not lagging either.
  if (lag.moving) return 'up';
  if (lag.role === 'background') return 'up';
  if (lag.position === null && lag.lagEvents > 0) return 'lagging';
  return lag.lagEvents > limits.maxLagEvents || lag.lagMs > limits.maxLagMs ? 'lagging' : 'up';
}

/**
 * Down whatever its lag: failing (a failure not yet behind it), or not running. One paused by a move to a new
 * generation of the read models (a second or two, on every instance in the same interval) is not: the key table
 * keeps answering from what it holds, and a fleet made unready together would be an outage. Needs no store: what
 * readiness, the monitor's log lines and the `parsesphere_projection_up` gauge (read at each scrape) all judge by.
 */
export function projectionStopped(state: Pick<ProjectionLag, 'running' | 'failing' | 'moving'>): boolean {
  return state.failing || (!state.moving && !state.running);
}

/**
 * Whether a projection in this state makes the instance unready: only a read model (the key table, what
 * authenticates and answers the key queries) that is down or lagging, so a balancer stops sending requests that
 * would miss recent writes. Statistics and background work are reported, never acted on, whatever their state:
 * they work on the read-model store every instance shares (down or lagging on one, they are on all, and taking
 * every instance out would turn missing counts into a full outage), and they resume by themselves.
 */
export function holdsReadiness(role: ProjectionLag['role'], health: ReturnType<typeof projectionHealth>): boolean {
  return role === 'read-model' && health !== 'up';
}

export function describeProjection(lag: ProjectionLag, limits: LagLimits) {
  const status = projectionHealth(lag, limits);
  return {
    name: lag.name,
    role: lag.role,
    status,
    position: lag.position,
    lag_events: lag.lagEvents,
    lag_events_capped: lag.lagEventsCapped,
    lag_ms: lag.lagMs,
    // Only a floor: pending since before this instance's first look at the log (its start); how much longer is unknown.
    ...(lag.lagMsAtLeast ? { lag_ms_at_least: true } : {}),
    ...(lag.moving ? { moving: true } : {}),
    // Why it is down or lagging; an error behind a projection that is up is no longer true of it.
    ...(status === 'down' ? { error: lag.lastError ?? 'not running' } : {}),
    ...(lag.lastError && status === 'lagging' ? { error: lag.lastError } : {}),
  };
}
