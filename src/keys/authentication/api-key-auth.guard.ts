import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { RateLimited, Unauthenticated } from '../../shared/application/errors.js';
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

/** One message for every invalid key, so a caller cannot tell unknown keys from revoked ones. */
export const INVALID_KEY_MESSAGE = 'Invalid API key provided.';

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
    const verification = await this.verifier.verify(token, use);
    if (!verification.valid && verification.code !== 'RATE_LIMITED') {
      await this.failures.recordFailure(address);
      throw new Unauthenticated(INVALID_KEY_MESSAGE);
    }
    setRateLimitHeaders(res, verification.rate);
    if (!verification.valid) {
      // Retry-After is already set, with the RateLimit fields, by setRateLimitHeaders.
      throw new RateLimited(`Rate limit of ${verification.rate.limit} requests exceeded for this key.`);
    }
    req.principal = { keyId: verification.key.keyId, accountId: verification.key.accountId };
    return true;
  }
}
