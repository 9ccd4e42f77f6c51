import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { RateLimited, Unauthenticated } from '../../../shared/application/errors.js';
import type { RateDecision } from '../../../shared/rate-limit/gcra.js';
import { answerError } from '../../../shared/http/answer-error.js';
import { type EdgeRoute, EdgeRouteProvider } from '../../../shared/http/edge-route.js';
import type { FrontRouteContext, FrontRouteHandler } from '../../../shared/http/front-route.js';
import { ErrorResponse } from '../../../shared/http/error-response.openapi.js';
import { refuseQueryParameters } from '../../../shared/http/query-parameters.js';
import { readJsonBody } from '../../../shared/http/read-json-body.js';
import { sendJson } from '../../../shared/http/send-json.js';
import { KeyChangedByNewerVersion } from '../../key-changed-by-newer-version.js';
import { ApiKeyVerifier } from '../../authentication/api-key-verifier.js';
import { AuthFailureLimiter } from '../../authentication/auth-failure-limiter.js';
import { parseVerifyRequest } from './parse-verify-request.js';
import { ServiceCredential } from './service-credential.js';
import { type KeyRateLimitState, VERIFY_RESPONSE_MODELS, VerifyApiKeyRequest, type VerifyApiKeyResponse } from './verify-api-key.dto.js';
import { documentVerifyApiKey, VERIFY_API_KEY_PATH } from './verify-api-key.openapi.js';
import { type VerifyOutcome, VerifyOutcomes } from './verify-outcomes.js';
import { toHttpError } from '../../../shared/http/error-mapping.js';
import { authorizationField } from '../../../shared/http/authorization-field.js';
import { clientLeft } from '../../../shared/http/departed-clients.js';

/**
 * POST /v1/keys/verify, the gateways' hot path. It is served from node:http ahead of express and Nest
 * (an EdgeRoute, installed by configureApp): the route's whole cost is the credential, a small body, the in-memory
 * verification and one JSON answer. Its OpenAPI entry is in verify-api-key.openapi.ts.
 */
@Injectable()
@EdgeRouteProvider()
export class VerifyApiKeyHttpHandler implements EdgeRoute {
  readonly methods = ['POST'];
  // Counted by outcome instead (VerifyOutcomes): an access log line per gateway call would cost more than the call.
  readonly observed = false;
  readonly path = VERIFY_API_KEY_PATH;
  readonly openApiModels = [VerifyApiKeyRequest, ...VERIFY_RESPONSE_MODELS, ErrorResponse];
  readonly document = documentVerifyApiKey;
  private readonly logger = new Logger('VerifyApiKey');

  get served(): boolean {
    return this.credential.configured;
  }

  constructor(
    private readonly credential: ServiceCredential,
    private readonly verifier: ApiKeyVerifier,
    private readonly failures: AuthFailureLimiter,
    private readonly outcomes: VerifyOutcomes,
  ) {}

  readonly handle: FrontRouteHandler = (req, res, context) => {
    this.serve(req, res, context).catch((error: unknown) => this.fail(res, context, error));
  };

  private async serve(req: IncomingMessage, res: ServerResponse, context: FrontRouteContext): Promise<void> {
    const check = await this.credential.authenticate(authorizationField(req), context.clientIp);
    if (check.kind === 'throttled') {
      throw new RateLimited('Too many failed authentications from this address. Retry later.', check.retryAfterSeconds);
    }
    if (check.kind === 'refused') {
      throw new Unauthenticated('The verify endpoint needs the service credential as a Bearer token.');
    }
    const read = await readJsonBody(req);
    // The route declares no query parameter: any is refused, as on every /v1 route, before a use is recorded.
    if (context.query !== '') refuseQueryParameters(parseQueryString(context.query));
    const body = parseVerifyRequest(read);
    const answer = await this.verify(body, context.requestId, () => !clientLeft(req));
    // Left while the check waited (for Redis): no use was recorded (answerable), and no answer is written.
    if (clientLeft(req)) return this.outcomes.count('CLIENT_CLOSED');
    this.outcomes.count(answer.valid ? 'VALID' : (answer.code as VerifyOutcome));
    sendJson(res, 200, answer);
  }

  private async verify(body: VerifyApiKeyRequest, requestId: string, answerable: () => boolean): Promise<VerifyApiKeyResponse> {
    const client = body.context?.ip;
    // Guesses relayed by a gateway are limited per end client, so the endpoint is no cheap oracle.
    if (client) {
      const guard = this.failures.check(client);
      if (!guard.allowed) return { valid: false, code: 'RATE_LIMITED', retry_after: guard.retryAfterSeconds };
    }
    const verification = await this.verifier.verify(
      body.key,
      {
        requestId,
        ip: client ?? null,
        userAgent: body.context?.user_agent ?? null,
        method: body.context?.method ?? null,
        path: body.context?.path ?? null,
        answerable,
      },
      body.required_permissions,
    );
    if (verification.valid) {
      const { key, rate } = verification;
      return {
        valid: true,
        key_id: key.keyId,
        account_id: key.accountId,
        name: key.name,
        permissions: key.permissions,
        expires_at: key.endsAt,
        rate_limit: rateLimitState(rate),
      };
    }
    switch (verification.code) {
      case 'RATE_LIMITED': {
        const { rate } = verification;
        return { valid: false, code: 'RATE_LIMITED', retry_after: rate.retryAfterSeconds, rate_limit: rateLimitState(rate) };
      }
      case 'CHANGED_BY_NEWER_VERSION':
        // Neither valid nor invalid: a 503, which a gateway retries on another (upgraded) instance.
        throw KeyChangedByNewerVersion.whenAuthenticating();
      case 'INSUFFICIENT_PERMISSIONS':
        // The key is genuine and its holder may do other things: no failure against the client's address.
        return { valid: false, code: 'INSUFFICIENT_PERMISSIONS', missing_permissions: verification.missing, rate_limit: rateLimitState(verification.rate) };
      default:
        // Without context.ip the end client is unknown; the gateway's own address would lock out every client behind it.
        if (client) await this.failures.recordFailure(client);
        else this.outcomes.countFailureWithoutClient();
        return { valid: false, code: verification.code };
    }
  }

  private fail(res: ServerResponse, context: FrontRouteContext, error: unknown): void {
    // Nobody is left to answer, and a caller leaving is no failure of ours: counted, not logged as an error.
    if (res.socket === null || res.socket.destroyed) return this.outcomes.count('CLIENT_CLOSED');
    this.outcomes.count(refusalOutcome(error));
    if (res.headersSent) return;
    answerError(res, error, context.requestId, this.logger);
  }
}

function rateLimitState(rate: RateDecision): KeyRateLimitState {
  return { limit: rate.limit, remaining: rate.remaining, reset: rate.resetSeconds };
}

function refusalOutcome(error: unknown): VerifyOutcome {
  if (error instanceof Unauthenticated) return 'UNAUTHENTICATED';
  if (error instanceof RateLimited) return 'THROTTLED';
  if (error instanceof KeyChangedByNewerVersion) return 'CHANGED_BY_NEWER_VERSION';
  return toHttpError(error).status < 500 ? 'INVALID_REQUEST' : 'ERROR';
}
