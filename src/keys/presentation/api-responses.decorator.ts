import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../../shared/http/error-response.openapi.js';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: the message names the field.',
  401: 'Missing, malformed, unknown or revoked API key.',
  404: 'No such API key in this account (or, for starting_after, no such key or alert in this account).',
  409: 'Lost a concurrency race that retrying could not resolve.',
  413: 'Request body too large.',
  415: 'Request body is not JSON.',
  429: 'Rate limit of the key exceeded, or too many failed authentications from this address (see Retry-After).',
  500: 'Internal error.',
  503: 'A store is unavailable or the change is not yet visible.',
};

/** Declares the bearer scheme and the error statuses a route can answer. */
export function AuthenticatedRoute(...statuses: number[]) {
  return applyDecorators(
    ApiBearerAuth(),
    ...[401, 500, 503, ...statuses].map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorResponse }),
    ),
  );
}
