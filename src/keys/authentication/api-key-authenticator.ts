import { Inject, Injectable } from '@nestjs/common';
import type { OutgoingMessage } from 'node:http';
import { PermissionDenied, RateLimited, Unauthenticated } from '../../shared/application/errors.js';
import type { KeyRateLimit } from '../domain/api-key-events.js';
import { counted } from '../../shared/domain/counted.js';
import { KeyChangedByNewerVersion } from '../key-changed-by-newer-version.js';
import { AccountRequestLimiter } from './account-request-limiter.js';
import { ApiKeyVerifier, type UseContext } from './api-key-verifier.js';
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

/** The use an API request makes of its key, as recorded: its client's address always known (trust proxy applied). */
export type ApiRequestUse = UseContext & { ip: string; method: string };

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
    @Inject(AccountRequestLimiter) private readonly accounts: AccountRequestLimiter,
  ) {}

  /**
   * `identified` is told the key of a request refused although its key was recognised and valid (over its rate
   * limit, used from an address or for a method it may not be): the access line names the key it refused, as it
   * names the key of a request it served (until 2026-12-06 a 429 or 403 named none, so whose requests were
   * throttled could be read nowhere: the metrics carry no key).
   */
  async authenticate(
    authorization: string | undefined,
    use: ApiRequestUse,
    res: OutgoingMessage,
    identified: (caller: { keyId: string; accountId: string }) => void = () => undefined,
  ): Promise<Principal> {
    const address = use.ip;
    const guard = this.failures.check(address);
    if (!guard.allowed) {
      throw new RateLimited('Too many failed authentications from this address. Retry later.', guard.retryAfterSeconds);
    }
    const token = bearerToken(authorization);
    if (!token) {
      this.verifier.recordMissing(use);
      await this.failures.recordFailure(address);
      throw new Unauthenticated('Provide your API key in the Authorization header: "Bearer sk_...".');
    }
    const verification = await this.verifier.verify(token, use, [requiredPermission(use.method)]);
    if (!verification.valid && verification.code === 'CHANGED_BY_NEWER_VERSION') throw KeyChangedByNewerVersion.whenAuthenticating();
    if (!verification.valid && (verification.code === 'INSUFFICIENT_PERMISSIONS' || verification.code === 'FORBIDDEN' || verification.code === 'RATE_LIMITED')) {
      identified({ keyId: verification.key.keyId, accountId: verification.key.accountId });
    }
    if (!verification.valid && verification.code === 'INSUFFICIENT_PERMISSIONS') {
      setRateLimitHeaders(res, verification.rate);
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
      throw new RateLimited(rateLimitExceeded(verification.key.rateLimit, 'this key'));
    }
    const { keyId, accountId, permissions, allowedIps, endsAt, rateLimit } = verification.key;
    const account = await this.accounts.consume(accountId);
    if (!account.allowed) {
      identified({ keyId, accountId });
      // The fields of the limit that refused, as the IETF draft asks of the policy nearest to exhaustion.
      setRateLimitHeaders(res, account);
      throw new RateLimited(rateLimitExceeded(this.accounts.limit, 'this account (all its keys together)'), account.retryAfterSeconds);
    }
    // Served: the fields of whichever limit is nearer to refusing, or a client pacing itself by them meets a 429 its
    // key's fields never announced (the account's 100 a second, a key's 1,000 a minute: Remaining 999 up to the 429).
    if (account.remaining < verification.rate.remaining) setRateLimitHeaders(res, account);
    return { keyId, accountId, permissions, allowedIps, endsAt, rateLimit };
  }
}

/**
 * "Rate limit of 3 requests per 60 seconds exceeded for this key." (the limit as the key's `rate_limit` gives it), or
 * "… for this account (all its keys together).".
 */
function rateLimitExceeded({ requests, perSeconds }: KeyRateLimit, whose: 'this key' | 'this account (all its keys together)'): string {
  return `Rate limit of ${counted(requests, 'request')} per ${perSeconds === 1 ? 'second' : counted(perSeconds, 'second')} exceeded for ${whose}.`;
}
