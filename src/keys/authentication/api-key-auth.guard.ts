import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { PermissionDenied, RateLimited, Unauthenticated } from '../../shared/application/errors.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { bearerToken } from './bearer-token.js';
import type { Principal } from './principal.js';
import { IS_PUBLIC } from '../../shared/http/public.decorator.js';
import { setRateLimitHeaders } from './rate-limit-headers.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** One message for every invalid key, so a caller cannot tell unknown keys from revoked, expired or disabled ones. */
export const INVALID_KEY_MESSAGE = 'Invalid API key provided.';
export const FORBIDDEN_ADDRESS_MESSAGE = 'This key may not be used from this address.';

/** What this service's routes need: keys:read to read (GET, HEAD), keys:write for everything else. */
export function requiredPermission(method: string): string {
  return method === 'GET' || method === 'HEAD' ? 'keys:read' : 'keys:write';
}

/** Global guard: every route needs a valid API key unless it is marked @Public(). */
@Injectable()
export class ApiKeyAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: ApiKeyVerifier,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const address = req.ip ?? 'unknown';

    const guard = this.failures.check(address);
    if (!guard.allowed) {
      throw new RateLimited('Too many failed authentications from this address. Retry later.', guard.retryAfterSeconds);
    }
    const use = {
      requestId: req.requestId,
      ip: address,
      userAgent: req.header('user-agent') ?? null,
      method: req.method,
      path: req.path,
    };
    const token = bearerToken(req.header('authorization'));
    if (!token) {
      this.verifier.recordMissing(use);
      await this.failures.recordFailure(address);
      throw new Unauthenticated('Provide your API key in the Authorization header: "Bearer sk_...".');
    }
    const verification = await this.verifier.verify(token, use, [requiredPermission(req.method)]);
    if (!verification.valid && verification.code === 'INSUFFICIENT_PERMISSIONS') {
      throw new PermissionDenied(`This key lacks the permission ${verification.missing.join(', ')}.`);
    }
    if (!verification.valid && verification.code === 'FORBIDDEN') {
      // A key used from elsewhere may be a stolen one: it counts against the address like a wrong key.
      await this.failures.recordFailure(address);
      throw new PermissionDenied(FORBIDDEN_ADDRESS_MESSAGE);
    }
    if (!verification.valid && verification.code !== 'RATE_LIMITED') {
      await this.failures.recordFailure(address);
      throw new Unauthenticated(INVALID_KEY_MESSAGE);
    }
    setRateLimitHeaders(res, verification.rate);
    if (!verification.valid) {
      // Retry-After is already set, with the RateLimit fields, by setRateLimitHeaders.
      throw new RateLimited(`Rate limit of ${verification.rate.limit} requests exceeded for this key.`);
    }
    const { keyId, accountId, permissions, allowedIps } = verification.key;
    req.principal = { keyId, accountId, permissions, allowedIps };
    return true;
  }
}
