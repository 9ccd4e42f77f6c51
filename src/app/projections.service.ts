import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { parseAnomalyThresholds } from '../anomalies/detection/parse-anomaly-thresholds.js';
import { KeyTable } from '../keys/authentication/key-table.js';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../keys/projection/api-key-read-model.port.js';
import { type AppConfigService, setting } from '../shared/config/app-config.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../shared/projections/projection-progress.js';
import { ProjectionRunner, type ProjectionStatus } from '../shared/projections/projection-runner.js';
import type { Projection } from '../shared/projections/projection.js';
import { BACKGROUND_PROJECTIONS } from './background-projections.provider.js';
import { ProjectionThread } from './projection-thread/projection-thread.js';
import { eventStoreSettings } from './storage/event-store.module.js';
import { readModelSettings } from './storage/read-model.module.js';
import { VIEW_PROJECTIONS } from './view-projections.provider.js';

const LAG_COUNT_CAP = 1000;
const KEY_TABLE_CATCH_UP_MS = 60_000;

/** A projection the service reports on and waits for, whether it runs on this thread or on the projection thread. */
type WatchedProjection = Pick<ProjectionRunner, 'status' | 'waitUntilProcessed'> & {
  readonly projection: { readonly name: string; readonly eventTypes: readonly string[] };
};

export interface ProjectionLag extends ProjectionStatus {
  lagEvents: number;
  /** True when at least LAG_COUNT_CAP events are pending: the count stopped there. */
  lagEventsCapped: boolean;
  /** Age of the oldest event the projection has not applied yet. */
  lagMs: number;
}

/** Runs every projection from the event store's subscription, and lets writers wait for them. */
@Injectable()
export class ProjectionsService extends ProjectionProgress implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projections');
  /** Read models and the key table: writers wait for these (read-your-writes). */
  private readonly readModels: WatchedProjection[];
  /** Work driven by the log that no request waits for: anomaly detection, alert delivery. */
  private readonly background: WatchedProjection[];
  /** What runs on this thread; the usage view and the detector run on the projection thread. */
  private readonly local: ProjectionRunner[];
  private readonly thread: ProjectionThread;
  private readonly keyTableRunner: ProjectionRunner;
  private readonly readYourWritesTimeoutMs: number;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_KEY_READ_MODEL) private readonly apiKeys: ApiKeyReadModel,
    @Inject(VIEW_PROJECTIONS) views: Projection[],
    @Inject(KeyTable) private readonly keyTable: KeyTable,
    @Inject(BACKGROUND_PROJECTIONS) extraBackground: Projection[],
    @Inject(ConfigService) config: AppConfigService,
  ) {
    super();
    this.readYourWritesTimeoutMs = setting(config, 'READ_YOUR_WRITES_TIMEOUT_MS');
    const options = { retryMinMs: 100, retryMaxMs: 5000, onLog: (level: 'warn' | 'error', message: string) => this.logger[level](message) };
    this.thread = new ProjectionThread(
      {
        store: eventStoreSettings(config),
        readModel: readModelSettings(config),
        thresholds: parseAnomalyThresholds(setting(config, 'ANOMALY_THRESHOLDS')),
      },
      options.onLog,
    );
    store.onAppended?.(() => this.thread.wake());
    this.keyTableRunner = new ProjectionRunner(store, keyTable, options);
    const viewRunners: ProjectionRunner[] = [];
    const watchedViews = views.map((projection) => {
      if (this.thread.hosts(projection.name)) return this.thread.usage;
      const runner = new ProjectionRunner(store, projection, options);
      viewRunners.push(runner);
      return runner;
    });
    const extraRunners = extraBackground.map((projection) => new ProjectionRunner(store, projection, options));
    this.local = [...viewRunners, this.keyTableRunner, ...extraRunners];
    this.readModels = [...watchedViews, this.keyTableRunner];
    this.background = [this.thread.detector, ...extraRunners];
  }

  /**
   * The key table must not serve a key revoked in the log but not yet in the read model it was
   * loaded from, so start-up waits until it has caught up with the log.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.keyTable.load(this.apiKeys);
    await Promise.all([this.thread.start(), ...this.local.map((runner) => runner.start())]);
    const head = await this.store.headPosition();
    if (head === null) return;
    await this.keyTableRunner.waitUntilProcessed(head, KEY_TABLE_CATCH_UP_MS).catch((error: Error) => {
      this.logger.error(`Key table not caught up with the log at start: ${error.message}`);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.thread.stop(), ...this.local.map((runner) => runner.stop())]);
  }

  /** Resolves once the read models have seen the log up to `position`, so a read right after sees the write. */
  override async caughtUpTo(position: number | null, types?: readonly string[]): Promise<void> {
    if (position === null) return;
    const affected = types
      ? this.readModels.filter((runner) => runner.projection.eventTypes.some((type) => types.includes(type)))
      : this.readModels;
    await Promise.all(affected.map((runner) => runner.waitUntilProcessed(position, this.readYourWritesTimeoutMs)));
  }

  /** Each projection's state and how far it trails the log, for the readiness probe. */
  async lag(): Promise<ProjectionLag[]> {
    return Promise.all(
      [...this.readModels, ...this.background].map(async (runner) => {
        const status = runner.status();
        const pending = await this.store.readAll({
          after: status.position,
          maxCount: LAG_COUNT_CAP,
          types: runner.projection.eventTypes,
        });
        const oldest = pending[0];
        return {
          ...status,
          lagEvents: pending.length,
          lagEventsCapped: pending.length === LAG_COUNT_CAP,
          lagMs: oldest ? Math.max(0, Date.now() - Date.parse(oldest.recordedAt)) : 0,
        };
      }),
    );
  }
}
