import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import { type AppConfigService, setting } from '../../../shared/config/app-config.js';
import { DomainError } from '../../../shared/domain/domain-error.js';
import { AuthFailureLimiter } from '../../authentication/auth-failure-limiter.js';
import { bearerToken } from '../../authentication/bearer-token.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Only ParseSphere's own gateways may verify keys: they present the service credential VERIFY_TOKEN.
 * Without it configured the endpoint does not exist. Digests of equal length make the comparison
 * constant-time whatever the length of what was presented.
 */
@Injectable()
export class VerifyTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(
    @Inject(ConfigService) config: AppConfigService,
    private readonly failures: AuthFailureLimiter,
  ) {
    const token = setting(config, 'VERIFY_TOKEN');
    this.expected = token ? digest(token) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!this.expected) throw new NotFoundException(`Cannot ${req.method} ${req.path}`);
    const address = req.ip ?? 'unknown';
    const guard = this.failures.check(address);
    if (!guard.allowed) {
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(guard.retryAfterSeconds));
      throw new DomainError('RATE_LIMITED', 'Too many failed authentications from this address. Retry later.');
    }
    const presented = bearerToken(req.header('authorization'));
    if (presented === null || !timingSafeEqual(digest(presented), this.expected)) {
      this.failures.recordFailure(address);
      throw new DomainError('UNAUTHENTICATED', 'The verify endpoint needs the service credential as a Bearer token.');
    }
    return true;
  }
}
