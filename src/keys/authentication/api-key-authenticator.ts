import { Inject, Injectable } from '@nestjs/common';
import type { OutgoingMessage } from 'node:http';
import { PermissionDenied, RateLimited, Unauthenticated } from '../../shared/application/errors.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { bearerToken } from './bearer-token.js';
import type { Principal } from './principal.js';
import { setRateLimitHeaders } from './rate-limit-headers.js';

/** One message for every invalid key, so a caller cannot tell unknown keys from revoked, expired or disabled ones. */
export const INVALID_KEY_MESSAGE = 'Invalid API key provided.';
export const FORBIDDEN_ADDRESS_MESSAGE = 'This key may not be used from this address.';

/** What this service's routes need: keys:read to read (GET, HEAD), keys:write for everything else. */
export function requiredPermission(method: string): string {
  return method === 'GET' || method === 'HEAD' ? 'keys:read' : 'keys:write';
}

/** What a request presents to be authenticated, read from express's request or straight from node:http's. */
export interface PresentedCredential {
  readonly authorization: string | undefined;
  /** The client's address as the trust-proxy setting gives it. */
  readonly address: string;
  readonly requestId: string;
  readonly userAgent: string | undefined;
  readonly method: string;
  /** The path without its query string. */
  readonly path: string;
}

/**
 * Authenticates a request to the /v1 routes by its API key: the per-address failed-auth guard, the key (with
 * the permission the method needs, its address restriction and its rate limit), the RateLimit header fields
 * on the answer, and the use or failure recorded. Framework-free, so the guard of the Nest routes and the
 * routes served ahead of the framework authenticate alike.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    @Inject(ApiKeyVerifier) private readonly verifier: ApiKeyVerifier,
    @Inject(AuthFailureLimiter) private readonly failures: AuthFailureLimiter,
  ) {}

  async authenticate(request: PresentedCredential, res: OutgoingMessage): Promise<Principal> {
    const { address } = request;
    const guard = this.failures.check(address);
    if (!guard.allowed) {
      throw new RateLimited('Too many failed authentications from this address. Retry later.', guard.retryAfterSeconds);
    }
    const use = {
      requestId: request.requestId,
      ip: address,
      userAgent: request.userAgent ?? null,
      method: request.method,
      path: request.path,
    };
    const token = bearerToken(request.authorization);
    if (!token) {
      this.verifier.recordMissing(use);
      await this.failures.recordFailure(address);
      throw new Unauthenticated('Provide your API key in the Authorization header: "Bearer sk_...".');
    }
    const verification = await this.verifier.verify(token, use, [requiredPermission(request.method)]);
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
    return { keyId, accountId, permissions, allowedIps };
  }
}
