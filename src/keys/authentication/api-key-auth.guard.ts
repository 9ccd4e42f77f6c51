import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { forwardedAddress } from '../../shared/http/forwarded-address.js';
import { headerText } from '../../shared/http/header-text.js';
import { requestTarget } from '../../shared/http/front-route.js';
import { IS_PUBLIC } from '../../shared/http/public.decorator.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import type { Principal } from './principal.js';
import { authorizationField } from '../../shared/http/authorization-field.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    /** The key of a request refused for its rate limit, address or permissions: for the access line. */
    refusedCaller?: { keyId: string; accountId: string };
  }
}

/** Global guard: every route needs a valid API key unless it is marked @Public(). */
@Injectable()
export class ApiKeyAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<Request>();
    req.principal = await this.authenticator.authenticate(
      authorizationField(req),
      { requestId: req.requestId, ip: req.ip === undefined ? 'unknown' : forwardedAddress(req.ip), userAgent: headerText(req.headers['user-agent']), method: req.method, path: recordedTarget(req.originalUrl) },
      context.switchToHttp().getResponse<Response>(),
      (caller) => (req.refusedCaller = caller),
    );
    return true;
  }
}

/**
 * The path as sent (req.path may have been re-escaped: undecodablePathMiddleware) with the query string, when it
 * has one, as the routes served ahead of express record it: recorded with its values redacted (recordedRequestDetails).
 */
function recordedTarget(originalUrl: string): string {
  const { path, query } = requestTarget(originalUrl);
  return query === '' ? path : `${path}?${query}`;
}
