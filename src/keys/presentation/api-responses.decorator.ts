import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../../shared/http/error-response.openapi.js';

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: the message names the field (a query parameter the route does not declare is refused too).',
  401: 'Missing, malformed, unknown, revoked, expired or disabled API key (one answer for all).',
  403: 'The key lacks the permission the route needs (keys:read to read, keys:write to change), may not be used from this address, or may not grant what was asked (permissions it lacks, addresses outside its own, an end later than its own, a rate limit above its own).',
  404: 'No such API key in this account (or, for starting_after, no such key or alert in this account).',
  // A creation's and a roll's 409 say their own cases (IdempotencyKeyHeader).
  409: 'The key is revoked, expired or already rolled, or a concurrency race that retrying could not resolve (with Retry-After: send the same request again).',
  412: 'If-Match does not name the key\'s current ETag: it changed since; nothing was changed.',
  413: 'Request body too large.',
  415: 'Request body is not UTF-8 JSON, or its Content-Encoding is not identity, gzip or deflate.',
  429: 'Rate limit of the key exceeded, or too many failed authentications from this address (see Retry-After).',
  500: 'Internal error.',
  503: "A store is unavailable or the change is not yet visible; or, for a change, this instance's clock is out of step with most instances' (another instance can take it).",
};

const CURRENT_ETAG = { ETag: { description: "The key's current version, to retry the change from.", schema: { type: 'string' } } };
const RACE_RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before sending the same request again: other changes to the key kept winning the race.', required: false, schema: { type: 'integer' } },
};

/**
 * Declares the bearer scheme and the error statuses a route can answer: 413 and 415 on every route, as any
 * request may carry a body, which is read (and may be refused) even where the route takes none.
 */
export function AuthenticatedRoute(...statuses: number[]) {
  return applyDecorators(
    ApiBearerAuth(),
    ...[...new Set([401, 403, 413, 415, 500, 503, ...statuses])].map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorResponse, headers: status === 412 ? CURRENT_ETAG : status === 409 ? RACE_RETRY_AFTER : undefined }),
    ),
  );
}
