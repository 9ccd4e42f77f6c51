import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PrometheusMetrics } from '../../infrastructure/prometheus/prometheus-metrics.js';
import { AuthFailureLimiter } from '../../keys/authentication/auth-failure-limiter.js';
import { AuthenticationMetrics, METRICS_TOKEN_FAILURE } from '../../keys/authentication/authentication-metrics.js';
import { RateLimited, Unauthenticated } from '../../shared/application/errors.js';
import type { CounterSeries } from '../../shared/metrics/metrics.port.js';
import { forwardedAddress } from '../../shared/http/forwarded-address.js';
import { Public } from '../../shared/http/public.decorator.js';
import { MetricsAccess } from './metrics-access.js';
import { authorizationField } from '../../shared/http/authorization-field.js';

/**
 * GET /metrics in Prometheus's text format; not an API key route, so left out of the OpenAPI document. A wrong
 * METRICS_TOKEN counts against the caller's address in the failed-authentication guard, as a wrong key or
 * VERIFY_TOKEN does, so the token is no cheaper to guess than they are, and in parsesphere_auth_failures_total.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  private failures: AuthFailureLimiter | undefined;
  private refusals: CounterSeries | undefined;

  constructor(
    @Inject(PrometheusMetrics) private readonly metrics: PrometheusMetrics,
    @Inject(MetricsAccess) private readonly access: MetricsAccess,
    // The keys feature's guard, one per process: looked up, not imported, since the keys module builds on this one.
    @Inject(ModuleRef) private readonly modules: ModuleRef,
  ) {}

  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (this.access.required) await this.authenticate(req);
    const text = await this.metrics.exposition();
    res.status(200).setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.end(text);
  }

  private async authenticate(req: Request): Promise<void> {
    const failures = (this.failures ??= this.modules.get(AuthFailureLimiter, { strict: false }) as AuthFailureLimiter);
    const address = req.ip === undefined ? 'unknown' : forwardedAddress(req.ip);
    const guard = failures.check(address);
    if (!guard.allowed) throw new RateLimited('Too many failed authentications from this address. Retry later.', guard.retryAfterSeconds);
    if (this.access.allows(authorizationField(req))) return;
    await failures.recordFailure(address);
    (this.refusals ??= this.modules.get(AuthenticationMetrics, { strict: false }).failures.series({ reason: METRICS_TOKEN_FAILURE })).inc();
    throw new Unauthenticated('GET /metrics needs the METRICS_TOKEN as a Bearer token.');
  }
}
