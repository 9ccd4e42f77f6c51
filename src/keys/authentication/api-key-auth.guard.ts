import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../../shared/domain/domain-error.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { bearerToken } from './bearer-token.js';
import type { Principal } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Global guard: every route needs a valid API key unless it is marked @Public(). */
@Injectable()
export class ApiKeyAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(req.header('authorization'));
    if (!token) {
      throw new DomainError('UNAUTHENTICATED', 'Provide your API key in the Authorization header: "Bearer sk_...".');
    }
    req.principal = await this.authenticator.authenticate(token);
    return true;
  }
}
