import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '../../shared/runtime/periodic-task.js';
import { Environment } from '../../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { Metrics } from '../../shared/metrics/metrics.port.js';
import { READ_MODEL_STORAGE, type ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import { type ProjectionLag, ProjectionsService } from '../projections/projections.service.js';
import { withinTime } from '../../shared/runtime/within-time.js';
import { checkDependency, LAG_TIMEOUT_MS, type LagLimits, projectionHealth, projectionStopped } from './readiness.js';
import { type StoreName, StoreRecoveries } from './store-recoveries.js';

/** How often the stores are pinged and the projections' lag measured (what readiness checks on demand). */
export const MONITOR_INTERVAL_MS = 10_000;

type ProjectionHealth = ReturnType<typeof projectionHealth>;

/**
 * Watches what readiness checks, on its own schedule, and logs the changes: a store down / recovered, a
 * projection lagging beyond the READINESS_MAX_LAG_* limits / caught up, stopped / running again. A line per
 * change, never per check. Its samples also feed the store and lag gauges of /metrics; positions are read
 * fresh at each scrape.
 */
@Injectable()
export class ServiceMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Monitor');
  private readonly limits: LagLimits;
  private readonly stores = new Map<StoreName, { up: boolean; since: number }>();
  private readonly projections = new Map<string, ProjectionHealth>();
  private lags: ProjectionLag[] = [];
  private readonly samples = new PeriodicTask(() => this.sample(true), MONITOR_INTERVAL_MS);
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL_STORAGE) private readonly readModels: ReadModelStorage,
    @Inject(ProjectionsService) private readonly runtime: ProjectionsService,
    @Inject(Environment) config: Environment,
    @Inject(Metrics) metrics: Metrics,
    @Inject(StoreRecoveries) private readonly recoveries: StoreRecoveries,
  ) {
    this.limits = { maxLagEvents: config.READINESS_MAX_LAG_EVENTS, maxLagMs: config.READINESS_MAX_LAG_MS };
    metrics.gauge({
      name: 'parsesphere_store_up',
      help: `1 when the store answered its last ping (every ${MONITOR_INTERVAL_MS / 1000} s), 0 when not: event_store, read_model.`,
      labelNames: ['store'],
      read: () => [...this.stores].map(([store, state]) => ({ labels: { store }, value: state.up ? 1 : 0 })),
    });
    metrics.gauge({
      name: 'parsesphere_projection_position',
      help: 'Global log position each projection has applied up to (-1 before its first event).',
      labelNames: ['projection'],
      read: () => this.runtime.positions().map(({ name, position }) => ({ labels: { projection: name }, value: position ?? -1 })),
    });
    metrics.gauge({
      name: 'parsesphere_projection_up',
      help: "1 while each projection runs (or is paused by a move to a new read-model generation), 0 while it is stopped or failing (waiting out a retry, or retried and not yet through a write): readiness's 'down', read at the scrape.",
      labelNames: ['projection'],
      read: () => this.runtime.positions().map((state) => ({ labels: { projection: state.name }, value: projectionStopped(state) ? 0 : 1 })),
    });
    metrics.gauge({
      name: 'parsesphere_projection_lag_events',
      help: 'Events of its types in the log that each projection has not applied yet (counted up to a cap), as last sampled.',
      labelNames: ['projection'],
      read: () => this.lags.map((lag) => ({ labels: { projection: lag.name }, value: lag.lagEvents })),
    });
    metrics.gauge({
      name: 'parsesphere_projection_lag_seconds',
      help: 'Age of the oldest event each projection has not applied yet (0 when caught up), as last sampled.',
      labelNames: ['projection'],
      read: () => this.lags.map((lag) => ({ labels: { projection: lag.name }, value: lag.lagMs / 1000 })),
    });
  }

  /** The first periodic sample comes one interval after start: the projections are then running (or should be). */
  onApplicationBootstrap(): void {
    this.samples.start();
  }

  /**
   * A sample for the gauges, taken once the projections have started and before the service listens
   * (service-main.ts): until 2026-12-07 `parsesphere_store_up` and the lag gauges had no series until the first
   * periodic sample, 10 s into every start, a gap at each restart for an alert on absent() and for dashboards. A store
   * change is logged as at any sample; the projections are judged (their changes logged) from the first periodic
   * sample on, as before: one still catching up from the start has changed from nothing yet.
   */
  sampleAtStart(): Promise<void> {
    return this.sample(false);
  }

  /** Stops before the stores close, so a closing store is not reported as down. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.samples.stop();
  }

  /** One sample: both stores and every projection; each change logged once. */
  check(): Promise<void> {
    return this.samples.runOnce();
  }

  private async sample(judgeProjections: boolean): Promise<void> {
    // The sample's instant is its start, on the interval's beat: a store that does not answer makes its ping take its
    // timeout, and timing the change at the sample's end made downSeconds that much shorter (29 for a 30 s outage).
    // Monotonic: on the wall clock an NTP step between the two samples was added to downSeconds (-3570 for a 30 s
    // outage across a one-hour step back).
    const at = performance.now();
    const [eventStore, readModel, lags] = await Promise.all([
      checkDependency(() => this.eventStore.ping()),
      checkDependency(() => this.readModels.ping()),
      // Bounded like the pings: one sample that never ends would hold every later one (check() shares it).
      withinTime(() => this.runtime.lag(), LAG_TIMEOUT_MS).catch(() => null),
    ]);
    if (this.stopped) return;
    void this.recoveries.seen('event_store', eventStore.status === 'up');
    void this.recoveries.seen('read_model', readModel.status === 'up');
    this.storeIs('event_store', eventStore.status === 'up', eventStore.error, at);
    this.storeIs('read_model', readModel.status === 'up', readModel.error, at);
    if (!lags) return;
    this.lags = lags;
    if (judgeProjections) for (const lag of lags) this.projectionIs(lag, projectionHealth(lag, this.limits));
  }

  private storeIs(store: StoreName, up: boolean, error: string | undefined, at: number): void {
    const before = this.stores.get(store);
    if (before?.up === up) return;
    this.stores.set(store, { up, since: at });
    if (!up) this.logger.warn({ msg: 'store down', store, error });
    else if (before) this.logger.log({ msg: 'store recovered', store, downSeconds: Math.round((at - before.since) / 1000) });
  }

  private projectionIs(lag: ProjectionLag, health: ProjectionHealth): void {
    const before = this.projections.get(lag.name) ?? 'up';
    this.projections.set(lag.name, health);
    if (before === health) return;
    const projection = lag.name;
    if (health === 'lagging') {
      // Back from down with its backlog (the store it writes to answers again after an outage under load): running
      // again, then lagging. Until 2026-12-07 only 'projection lagging' and later 'projection caught up' were logged,
      // and the 'projection running again' an on-call waits for after 'projection stopped' never came.
      if (before === 'down') this.logger.log({ msg: 'projection running again', projection, position: lag.position });
      this.logger.warn({ msg: 'projection lagging', projection, role: lag.role, lagEvents: lag.lagEvents, lagMs: lag.lagMs, ...(lag.lagMsAtLeast ? { lagMsAtLeast: true } : {}), ...this.limits });
    } else if (health === 'down') {
      this.logger.error({ msg: 'projection stopped', projection, position: lag.position, error: lag.lastError ?? undefined });
    } else {
      this.logger.log({ msg: before === 'lagging' ? 'projection caught up' : 'projection running again', projection, position: lag.position });
    }
  }
}
