import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PrometheusMetrics } from '../../infrastructure/prometheus/prometheus-metrics.js';
import { Unauthenticated } from '../../shared/application/errors.js';
import { Public } from '../../shared/http/public.decorator.js';
import { MetricsAccess } from './metrics-access.js';

/** GET /metrics in Prometheus's text format; not an API key route, so left out of the OpenAPI document. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(PrometheusMetrics) private readonly metrics: PrometheusMetrics,
    @Inject(MetricsAccess) private readonly access: MetricsAccess,
  ) {}

  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.access.allows(req.header('authorization'))) {
      throw new Unauthenticated('GET /metrics needs the METRICS_TOKEN as a Bearer token.');
    }
    const text = await this.metrics.exposition();
    res.status(200).setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.end(text);
  }
}
