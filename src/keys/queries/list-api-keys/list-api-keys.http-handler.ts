import { Inject, Injectable, Logger } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { answerError } from '../../../shared/http/answer-error.js';
import { type EdgeRoute, EdgeRouteProvider } from '../../../shared/http/edge-route.js';
import { ErrorResponse } from '../../../shared/http/error-response.openapi.js';
import type { FrontRouteContext, FrontRouteHandler } from '../../../shared/http/front-route.js';
import { headerText } from '../../../shared/http/header-text.js';
import { hasRequestBody, readJsonBody } from '../../../shared/http/read-json-body.js';
import { sendJson, sendJsonText } from '../../../shared/http/send-json.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { ApiKeyAuthenticator } from '../../authentication/api-key-authenticator.js';
import { ApiKeyListResponse } from '../../presentation/api-key.response.js';
import { ListedKeyJson, listedPageJson } from '../../presentation/listed-key-json.js';
import { presentApiKey } from '../../presentation/present-api-key.js';
import { last24Hours } from '../../../usage/projection/key-usage-view.js';
import type { ApiKeyListing } from './list-api-keys.query.js';
import { documentListApiKeys, LIST_API_KEYS_PATH } from './list-api-keys.openapi.js';
import { ListApiKeysQuery } from './list-api-keys.query.js';
import { DEFAULT_PAGE_SIZE, parseListApiKeysRequest } from './parse-list-api-keys-request.js';
import { authorizationField } from '../../../shared/http/authorization-field.js';


/**
 * GET (and HEAD) /v1/api-keys, served from node:http ahead of express and Nest (an EdgeRoute): a dashboard
 * or script polls it, and the framework's per-request work cost more than the page itself. It answers as a
 * Nest route would: the same authentication (ApiKeyAuthenticator, as the guard), a body read and refused as
 * the JsonBodyInterceptor does, the validation pipe's messages, every error through answerError, and the
 * access log and duration histogram. Its OpenAPI entry is in list-api-keys.openapi.ts.
 */
@Injectable()
@EdgeRouteProvider()
export class ListApiKeysHttpHandler implements EdgeRoute {
  readonly methods = ['GET', 'HEAD'];
  readonly path = LIST_API_KEYS_PATH;
  readonly served = true;
  readonly observed = true;
  readonly openApiModels = [ApiKeyListResponse, ErrorResponse];
  readonly document = documentListApiKeys;
  private readonly logger = new Logger('Errors');
  private readonly listed = new ListedKeyJson();

  constructor(
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  readonly handle: FrontRouteHandler = (req, res, context) => {
    this.serve(req, res, context).catch((error: unknown) => {
      if (!res.headersSent) answerError(res, error, context.requestId, this.logger);
    });
  };

  private async serve(req: IncomingMessage, res: ServerResponse, context: FrontRouteContext): Promise<void> {
    const principal = await this.authenticator.authenticate(
      authorizationField(req),
      { requestId: context.requestId, ip: context.clientIp, userAgent: headerText(req.headers['user-agent']), method: req.method ?? 'GET', path: context.query === '' ? context.path : `${context.path}?${context.query}` },
      res,
      (caller) => (context.caller = caller),
    );
    context.caller = principal;
    // The listing takes no body; one sent anyway is read and refused as on every other route (415, 413, 400).
    if (hasRequestBody(req)) await readJsonBody(req);
    const request = parseListApiKeysRequest(parseQueryString(context.query));
    const now = new Date(this.clock.now());
    const page = await this.queryBus.execute(
      new ListApiKeysQuery(principal.accountId, request.limit ?? DEFAULT_PAGE_SIZE, request.startingAfter, request.status, now, request.requestsPerHour, {
        ...(request.namePrefix === null ? {} : { namePrefix: request.namePrefix }),
        ...(request.prefix === null ? {} : { prefix: request.prefix }),
      }),
    );
    if (request.requestsPerHour) {
      sendJson(res, 200, { data: page.keys.map((key) => presentListedApiKeyWithRequestsPerHour(key, now)), has_more: page.hasMore });
      return;
    }
    // The bytes JSON.stringify gives the page, from each key's JSON as ListedKeyJson keeps it.
    sendJsonText(res, 200, listedPageJson(page.keys.map(({ view, usage }) => this.listed.bytesOf(view, usage, now)), page.hasMore));
  }
}

type ListedKey = ApiKeyListing['keys'][number];

const presentListedApiKey = ({ view, usage }: ListedKey, now: Date) => presentApiKey(view, usage, now);

/** include=requests_per_hour: the 24 hourly counts GET /v1/api-keys/{id} gives in usage.requests_per_hour. */
const presentListedApiKeyWithRequestsPerHour = (key: ListedKey, now: Date) => ({
  ...presentListedApiKey(key, now),
  requests_per_hour: last24Hours(key.hourly, now),
});
