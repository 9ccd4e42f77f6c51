import type { Environment } from '../config/environment.js';
import type { EventStore } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';

/** 'log' for what an operator may want to read (a delivery that went through after failures), not a problem. */
export type ProjectionLogLevel = 'log' | 'warn' | 'error';
export type ProjectionLog = (level: ProjectionLogLevel, message: string) => void;

/** What a declaration builds its projection from: the stores of the thread it runs on, never another's. */
export interface ProjectionContext<S> {
  store: EventStore;
  storage: S;
  config: Environment;
  log: ProjectionLog;
  /**
   * An instance the feature's module also provides to its request handlers (the key table): only on the
   * request thread, where the feature's Nest providers live. Elsewhere it throws.
   */
  provided<T>(token: abstract new (...args: never[]) => T): T;
  /**
   * Hands what a projection has just stored to the request thread, wherever the projection runs: its
   * declaration's `onPublished` receives it there (in the CLI, nobody does). In order, after the write.
   */
  publish(projection: string, payload: unknown): void;
}

/**
 * One projection, declared once beside its feature: what it consumes, where it runs, who waits for it,
 * and how it is built. The request thread, the projection thread and the CLI's replay all build their
 * projections from the same declarations (src/app/projections/projection-catalog.ts), each on its own stores.
 */
export interface ProjectionDeclaration<S = unknown> {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** Projection.readsUnknownTypesIn, declared: the prefix of the streams it folds whole. */
  readonly readsUnknownTypesIn?: string;
  /**
   * 'request-thread': beside the HTTP server (what requests read must be in this process's memory, or is cheap).
   * 'projection-thread': on the worker thread, for projections that follow every use of every key.
   */
  readonly runsOn: 'request-thread' | 'projection-thread';
  /**
   * 'read-model': writers wait for it before answering (read-your-writes), and an instance whose copy trails
   * the log beyond the readiness limits is not ready.
   * 'statistics': requests read it, but what it counts may trail (the usage views): read-your-writes waits for
   * it as for a read model (the uses it counts are recorded without waiting), and readiness reports its lag
   * without ever making the instance unready. On a shared read model every instance
   * trails alike, so taking instances out of rotation would serve no fresher count and would stop
   * verification, which never reads it.
   * 'background': nobody reads it on a request's path; readiness reports whether it runs.
   */
  readonly role: 'read-model' | 'statistics' | 'background';
  /**
   * false: requests read it, but no change waits for it (its role still says how readiness reports it). For a view
   * whose readers accept that it trails the change they made, as an audit log does (Stripe's events, GitHub's audit
   * log), so that a change is never held by its store: a revocation during a MongoDB outage answers at once.
   */
  readonly writersWait?: false;
  /** The CLI's `replay` empties it and feeds it the whole log. */
  readonly rebuiltByReplay: boolean;
  /**
   * In memory, loaded from the stored views at start (the key table): when a rebuild makes another generation of
   * them live, the running instance loads that one too (ProjectionsService), over what it holds.
   */
  readonly loadsFromViews?: boolean;
  /**
   * Authentication answers from it (the key table): start-up waits until it has caught up with the log, and a
   * revocation is in force on this instance as soon as it has applied it (ProjectionProgress.inForce).
   */
  readonly enforcesAccess?: boolean;
  /** Builds the projection on the calling thread's stores; null when configuration turns it off. */
  open(context: ProjectionContext<S>): Promise<Projection | null>;
  /** On the request thread: receives what the projection publishes (ProjectionContext.publish), wherever it runs. */
  readonly onPublished?: (payload: unknown, provided: ProjectionContext<S>['provided']) => void;
}
