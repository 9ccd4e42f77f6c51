import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Request } from 'express';
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
          // Only the request context (the request id on every line logged while serving it); the access
          // line is HttpObservation's, written for every request, including those refused before routing.
          pinoHttp: {
            logger: root,
            autoLogging: false,
            quietReqLogger: true,
            genReqId: (req) => (req as Request).requestId,
            customAttributeKeys: { reqId: 'requestId' },
          },
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
