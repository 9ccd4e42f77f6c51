import { withinTime } from '../../shared/runtime/within-time.js';
import { Controller, Get, Inject, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { Request, Response } from 'express';
import { Public } from '../../shared/http/public.decorator.js';
import { METRICS_TOKEN_SECURITY } from '../../shared/http/security-schemes.js';
import { Environment } from '../../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { errorBody } from '../../shared/http/error-response.js';
import { RETRY_AFTER_UNAVAILABLE_SECONDS } from '../../shared/http/error-mapping.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import { READ_MODEL_STORAGE, type ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { ClockWatchService } from '../clock/clock-watch.service.js';
import {
  checkDependency,
  type DependencyCheck,
  describeProjection,
  holdsReadiness,
  LAG_TIMEOUT_MS,
  READ_MODEL_PING_TIMEOUT_MS,
} from './readiness.js';
import { errorMessage } from '../../shared/runtime/error-message.js';
import { NOT_READY_RESPONSE_SCHEMA, READY_RESPONSE_SCHEMA } from './readiness.openapi.js';
import { withoutInternals } from './readiness-internals.js';
import { MetricsAccess } from '../observability/metrics-access.js';
import { ServiceStopping } from './service-stopping.js';
import { StoreRecoveries } from './store-recoveries.js';
import { authorizationField } from '../../shared/http/authorization-field.js';

@ApiTags('Health')
@Controller('health')
@Public()
export class HealthController {
  /** Who is shown the text of the checks' errors: the holder of METRICS_TOKEN. */
  private readonly internals: MetricsAccess;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_STORAGE) private readonly readModels: ReadModelStorage,
    private readonly projections: ProjectionsService,
    @Inject(Environment) private readonly config: Environment,
    @Inject(RATE_LIMIT_STORE) private readonly rateLimits: RateLimitStore,
    @Inject(ClockWatchService) private readonly clock: ClockWatchService,
    @Inject(StoreRecoveries) private readonly recoveries: StoreRecoveries,
    @Inject(ServiceStopping) private readonly stopping: ServiceStopping,
  ) {
    this.internals = new MetricsAccess(config.METRICS_TOKEN);
  }

  @Get()
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness: the process is up. Checks no dependency.' })
  @ApiOkResponse({
    description: 'The process is up.',
    schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } }, example: { status: 'ok' } },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    operationId: 'getReadiness',
    summary:
      'Readiness: the event store reachable and the read models (the key table) running and within the lag limits. The read-model store, the statistics (usage, alerts) and background work are reported, and never make an instance unready ' +
      '(a read-model store unreachable or damaged is "degraded", and so is the answer\'s status, with 200). ' +
      "The text of the checks' errors and reasons (which name hosts, ports and files) is given only to a caller presenting METRICS_TOKEN as a Bearer token, when it is set.",
  })
  @ApiOkResponse({ description: 'Ready: every check up (or the read-model store degraded), each with its details.', schema: READY_RESPONSE_SCHEMA })
  @ApiServiceUnavailableResponse({
    description:
      "The service is stopping (from SIGTERM or SIGINT on), the event store is down, a read model (the key table) is down or lags beyond the limits, or this instance's clock is outvoted by most instances' (the error body, plus status, info and details).",
    schema: NOT_READY_RESPONSE_SCHEMA,
  })
  // METRICS_TOKEN, optionally (`{}`: none at all is as good): a security scheme, as OpenAPI 3.0 ignores a header
  // parameter named Authorization. The header is read from the request, not with @Headers(), which would declare one.
  @ApiSecurity({})
  @ApiSecurity(METRICS_TOKEN_SECURITY)
  async ready(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<HealthCheckResult | object> {
    const answer = await this.readiness(res);
    return this.internals.showsInternals(authorizationField(req)) ? answer : withoutInternals(answer);
  }

  private async readiness(res: Response): Promise<HealthCheckResult | object> {
    const stopping = this.stopping.state();
    if (stopping) {
      // From the signal on, whatever the stores say: the balancer is to stop routing here before the drain.
      notReady(res);
      const details = { stopping: { status: 'down', ...stopping } };
      return { status: 'error', info: {}, details, ...errorBody(503, 'Not ready: stopping') };
    }
    try {
      const [eventStore, readModel] = await Promise.all([
        checkDependency(() => this.store.ping()),
        checkDependency(() => this.readModels.ping(), READ_MODEL_PING_TIMEOUT_MS),
      ]);
      // A store back after an outage: the projections that failed on it retry now, and are reported once resumed.
      await Promise.all([this.recoveries.seen('event_store', eventStore.status === 'up'), this.recoveries.seen('read_model', readModel.status === 'up')]);
      return await this.health.check([
        () => this.eventStoreIndicator(eventStore),
        () => this.readModelIndicator(readModel),
        () => this.projectionsIndicator(),
        () => this.rateLimitsIndicator(),
        () => this.clockIndicator(),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      notReady(res);
      // Terminus puts the failed checks under "error"; the service-wide error shape takes that name, "details" keeps them.
      return { ...result, ...errorBody(503, `Not ready: ${Object.keys(result.error ?? {}).join(', ')}`) };
    }
  }

  private eventStoreIndicator(check: DependencyCheck) {
    const indicator = this.indicators.check('event_store');
    return check.status === 'up' ? indicator.up() : indicator.down({ ...(check.damaged ? { damaged: true } : {}), error: check.error });
  }

  /**
   * Reported, never unready: what requests read comes from memory kept current from the log (authentication,
   * verification, the listing, every change); only a key's page and the alerts need the store, and answer 503 on
   * every instance alike, for the read-model store is shared. Taking every instance out of the balancer would turn
   * that into a full outage. A read-model file SQLite finds damaged (`damaged: true`) is no exception: the key table
   * and every change still work here, and instances sharing the DATA_DIR share the file.
   * Unreachable or damaged, it is `degraded` (terminus: the answer stays 200, its status `degraded`): until
   * 2026-12-07 it said `status: "up"` beside `reachable: false`, and a monitor reading the statuses saw it up.
   */
  private readModelIndicator(check: DependencyCheck) {
    const indicator = this.indicators.check('read_model');
    if (check.status === 'up') return indicator.up({ reachable: true });
    return indicator.degraded({ reachable: false, ...(check.damaged ? { damaged: true } : {}), ...(check.error ? { error: check.error } : {}) });
  }

  /**
   * Always up: with Redis unreachable the instance still serves correctly, limits counted per instance, and
   * taking every instance out of the balancer at once would turn a Redis outage into a full one.
   */
  private rateLimitsIndicator() {
    const { mode, ...why } = this.rateLimits.sharing();
    return this.indicators.check('rate_limits').up({ sharing: mode, ...why });
  }

  /**
   * Up while this clock agrees, is alone or merely out of step: an instance out of step records no expiry (the others
   * do) and says so here, in the log and in the gauges; two instances that disagree cannot tell which clock is off,
   * and taking both out of the balancer would be an outage. Down when outvoted (a strict majority of the instances
   * agree with each other and not with this one): there is no doubt which clock is off, and the others serve.
   */
  private clockIndicator() {
    const { status, offsetMs, instances, agreeing, outvoted } = this.clock.standing();
    const details = { standing: status, offset_ms: offsetMs, instances, agreeing, outvoted, tolerance_ms: this.clock.tolerance };
    const indicator = this.indicators.check('clock');
    return outvoted ? indicator.down(details) : indicator.up(details);
  }

  private async projectionsIndicator() {
    const indicator = this.indicators.check('projections');
    try {
      const limits = { maxLagEvents: this.config.READINESS_MAX_LAG_EVENTS, maxLagMs: this.config.READINESS_MAX_LAG_MS };
      const projections = (await withinTime(() => this.projections.lag(), LAG_TIMEOUT_MS)).map((lag) => describeProjection(lag, limits));
      const details = { projections, max_lag_events: limits.maxLagEvents, max_lag_ms: limits.maxLagMs };
      return projections.some((p) => holdsReadiness(p.role, p.status)) ? indicator.down(details) : indicator.up(details);
    } catch (error) {
      return indicator.down({ error: errorMessage(error) });
    }
  }
}

/** A 503 like the API's others: a client or balancer that honours Retry-After asks again after as long. */
function notReady(res: Response): void {
  res.status(503);
  res.setHeader('Retry-After', String(RETRY_AFTER_UNAVAILABLE_SECONDS));
}
