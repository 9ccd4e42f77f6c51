import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AnomalyDetectionProjection } from '../anomalies/detection/anomaly-detection.projection.js';
import { parseAnomalyThresholds } from '../anomalies/detection/parse-anomaly-thresholds.js';
import { KeyTable } from '../keys/authentication/key-table.js';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../keys/projection/api-key-read-model.port.js';
import { type AppConfigService, setting } from '../shared/config/app-config.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../shared/projections/projection-progress.js';
import { ProjectionRunner, type ProjectionStatus } from '../shared/projections/projection-runner.js';
import type { Projection } from '../shared/projections/projection.js';
import { BACKGROUND_PROJECTIONS } from './background-projections.provider.js';
import { VIEW_PROJECTIONS } from './view-projections.provider.js';

const LAG_COUNT_CAP = 1000;
const KEY_TABLE_CATCH_UP_MS = 60_000;

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
  private readonly runners: ProjectionRunner[];
  /** Work driven by the log that no request waits for: anomaly detection, alert delivery. */
  private readonly background: ProjectionRunner[];
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
    this.keyTableRunner = new ProjectionRunner(store, keyTable, options);
    this.runners = [...views.map((projection) => new ProjectionRunner(store, projection, options)), this.keyTableRunner];
    const thresholds = parseAnomalyThresholds(setting(config, 'ANOMALY_THRESHOLDS'));
    this.background = [
      new ProjectionRunner(store, new AnomalyDetectionProjection(store, thresholds), options),
      ...extraBackground.map((projection) => new ProjectionRunner(store, projection, options)),
    ];
  }

  /**
   * The key table must not serve a key revoked in the log but not yet in the read model it was
   * loaded from, so start-up waits until it has caught up with the log.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.keyTable.load(this.apiKeys);
    await Promise.all(this.all().map((runner) => runner.start()));
    const head = await this.store.headPosition();
    if (head === null) return;
    await this.keyTableRunner.waitUntilProcessed(head, KEY_TABLE_CATCH_UP_MS).catch((error: Error) => {
      this.logger.error(`Key table not caught up with the log at start: ${error.message}`);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.all().map((runner) => runner.stop()));
  }

  private all(): ProjectionRunner[] {
    return [...this.runners, ...this.background];
  }

  /** Resolves once every projection has seen the log up to `position`, so a read right after sees the write. */
  override async caughtUpTo(position: number | null): Promise<void> {
    if (position === null) return;
    await Promise.all(this.runners.map((runner) => runner.waitUntilProcessed(position, this.readYourWritesTimeoutMs)));
  }

  /** Each projection's state and how far it trails the log, for the readiness probe. */
  async lag(): Promise<ProjectionLag[]> {
    return Promise.all(
      this.all().map(async (runner) => {
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
