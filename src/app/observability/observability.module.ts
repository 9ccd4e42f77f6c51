import { type DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { PrometheusMetrics } from '../../infrastructure/prometheus/prometheus-metrics.js';
import type { Environment } from '../../shared/config/environment.js';
import { Metrics } from '../../shared/metrics/metrics.port.js';
import { HttpObservation } from './http-observation.js';
import { MetricsAccess } from './metrics-access.js';
import { MetricsController } from './metrics.controller.js';
import { createRootLogger } from './root-logger.js';
import { ROOT_LOGGER } from './root-logger.token.js';

/**
 * Logs and metrics: the pino logger behind Nest's Logger (main.ts installs it with app.useLogger), the
 * access log, the Metrics port on prom-client, and GET /metrics. Features declare their own metrics through
 * the port and log through Nest's Logger; neither sees pino or prom-client.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(environment: Environment): DynamicModule {
    const root = createRootLogger(environment);
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { logger: root },
          // Its per-request middleware (a pino-http child logger and an AsyncLocalStorage context, which on
          // Node 20 slows every promise of the request) is mounted nowhere: measured at 150-400 µs of CPU per
          // express request on the bench machine. The access line is HttpObservation's; lines that belong to a
          // request name its requestId themselves.
          forRoutes: [],
        }),
      ],
      controllers: [MetricsController],
      providers: [
        { provide: ROOT_LOGGER, useValue: root },
        { provide: PrometheusMetrics, useFactory: () => new PrometheusMetrics() },
        { provide: Metrics, useExisting: PrometheusMetrics },
        { provide: MetricsAccess, useValue: new MetricsAccess(environment.METRICS_TOKEN) },
        HttpObservation,
      ],
      exports: [ROOT_LOGGER, Metrics, HttpObservation],
    };
  }
}
