import type { Environment } from '../../../shared/config/environment.js';
import type { ProjectionLogLevel } from '../../../shared/projections/projection-declaration.js';
import type { ProjectionStatus } from '../../../shared/projections/projection-runner.js';

export interface ProjectionThreadData {
  /** The environment validated at start, as is: the thread opens its own stores from it. */
  config: Environment;
  /** The read-model generation to open: the request thread's. */
  generation: number;
  /** Shared with the request thread: whether the process has logged damage in the event log (event-log-damage.ts). */
  eventLogDamageReported: Int32Array;
}

export type ProjectionThreadMessage =
  | { kind: 'status'; statuses: ProjectionStatus[] }
  | { kind: 'log'; level: ProjectionLogLevel; message: string }
  | { kind: 'published'; projection: string; payload: unknown }
  /** A projection whose stop (its last saves and its close) has ended, at a stop of the thread. */
  | { kind: 'stopped'; projection: string };

/**
 * What the request thread sends: the types just appended through its connection (null: any), the order to retry
 * at once the projections waiting out a retry delay (a store answers again), or the order to stop.
 */
export type ProjectionThreadRequest = { wake: string[] | null } | 'retry' | 'stop';
