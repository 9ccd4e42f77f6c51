import { HttpException } from '@nestjs/common';
import {
  ApplicationError,
  type ApplicationErrorKind,
  ConcurrencyConflict,
  InvalidRequest,
  MethodNotAllowed,
  PayloadTooLarge,
  PreconditionFailed,
  RateLimited,
  UnsupportedMediaType,
} from '../application/errors.js';
import { DomainError, type DomainErrorKind } from '../domain/domain-error.js';
import { redactSecrets } from '../domain/secret-redaction.js';
import { StoreDamagedError } from '../storage/store-damaged.error.js';
import { StoreUnavailableError } from '../storage/store-unavailable.error.js';
import { type ErrorBody, errorBody, INTERNAL_ERROR_MESSAGE } from './error-response.js';
import { BODY_REFUSALS, INVALID_UTF8_BODY } from './read-json-body.js';

/** An error as the public sees it, and how the server should log it. */
export interface HttpError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /**
   * 'none' for refusals (the caller's mistake, a domain rule, a limit), 'warn' when a backing store is
   * down, 'error' (with the stack) for what should not happen: a 5xx HttpException or anything unknown.
   */
  log: 'none' | 'warn' | 'error';
}

const STATUS_BY_DOMAIN_KIND: Record<DomainErrorKind, number> = {
  not_found: 404,
  conflict: 409,
  rule_violated: 400,
  not_permitted: 403,
};

const STATUS_BY_APPLICATION_KIND: Record<ApplicationErrorKind, number> = {
  invalid_request: 400,
  unknown_reference: 404,
  unauthenticated: 401,
  permission_denied: 403,
  rate_limited: 429,
  unavailable: 503,
  concurrency_conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
};

const STORE_UNAVAILABLE_MESSAGE = 'A backing store is unavailable. Retry shortly.';

/** The challenge every 401 carries (documented by documentErrorAnswerHeaders). */
export const AUTHENTICATION_CHALLENGE = 'Bearer realm="parsesphere"';
const CHALLENGE = { 'WWW-Authenticate': AUTHENTICATION_CHALLENGE };

/**
 * What every 503 of the mapping tells a client to wait: the least the header can say. Each of them may clear
 * by the next request: a read waiting for its projection has already waited, a stopping instance or one whose
 * clock is outvoted is answered by another behind the balancer, and a store call is simply made again, with
 * nothing on this side to wait out. A client backing off further on repeated 503s is free to. (The start-up
 * 503, starting-server.ts, says 5: that instance tries its stores again on a schedule.)
 */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 1;

/** Errors of express.json (body-parser), by their `type`, as the refusals readJsonBody gives for the same bodies. */
const BODY_PARSER_REFUSALS: Record<string, () => ApplicationError> = {
  'entity.too.large': () => new PayloadTooLarge(BODY_REFUSALS.tooLarge),
  'entity.parse.failed': () => new InvalidRequest(BODY_REFUSALS.malformed),
  [INVALID_UTF8_BODY]: () => new InvalidRequest(BODY_REFUSALS.invalidUtf8),
  // body-parser's name for an unsupported Content-Encoding; an unsupported charset is charset.unsupported.
  'encoding.unsupported': () => new UnsupportedMediaType(BODY_REFUSALS.encodingUnsupported),
  'charset.unsupported': () => new UnsupportedMediaType(BODY_REFUSALS.notUtf8),
  // The client left before sending the body it declared: its doing, answered (to nobody) without an error line.
  'request.aborted': () => new InvalidRequest(BODY_REFUSALS.cutShort),
};

/**
 * The refusal a body-parser error stands for, or null when it is not one this service answers itself.
 * A body that fails to decompress comes with zlib's own error (code Z_DATA_ERROR, Z_BUF_ERROR...), whose
 * text is not ours to show.
 */
export function bodyParserRefusal(error: unknown): ApplicationError | null {
  if (!(error instanceof Error)) return null;
  const { type, code } = error as { type?: unknown; code?: unknown };
  if (typeof code === 'string' && code.startsWith('Z_')) return new InvalidRequest(BODY_REFUSALS.notDecompressible);
  if (typeof type !== 'string' || !Object.hasOwn(BODY_PARSER_REFUSALS, type)) return null;
  return BODY_PARSER_REFUSALS[type]();
}

/**
 * An answer for a status and a public message: the one body shape, plus the challenge when the status is 401
 * and Retry-After when it is 503.
 * Messages may echo what the client sent (a 404's path, a refused property's name): keys in them are redacted.
 */
export function httpError(
  status: number,
  message: string,
  options: { headers?: Record<string, string>; log?: HttpError['log'] } = {},
): HttpError {
  const headers: Record<string, string> = { ...options.headers };
  if (status === 401) Object.assign(headers, CHALLENGE);
  if (status === 503) headers['Retry-After'] ??= String(RETRY_AFTER_UNAVAILABLE_SECONDS);
  return { status, body: errorBody(status, redactSecrets(message)), headers, log: options.log ?? 'none' };
}

/**
 * The one place where an error becomes an HTTP answer: every route, filter and middleware asks it.
 * Domain errors by kind, application errors by kind, a store outage as 503, Nest's HttpException with
 * its own status, body-parser refusals by type, and anything else as a 500 that tells nothing.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof DomainError) return httpError(STATUS_BY_DOMAIN_KIND[error.kind], error.message);
  if (error instanceof ApplicationError) return applicationHttpError(error);
  // Logged once where the damage was met when the store reported it (a read-model file): not again per request.
  if (error instanceof StoreDamagedError) return httpError(503, STORE_UNAVAILABLE_MESSAGE, { log: error.reported ? 'none' : 'error' });
  if (error instanceof StoreUnavailableError) return httpError(503, STORE_UNAVAILABLE_MESSAGE, { log: 'warn' });
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return httpError(status, httpExceptionMessage(error), { log: status >= 500 ? 'error' : 'none' });
  }
  const refusal = bodyParserRefusal(error);
  if (refusal) return applicationHttpError(refusal);
  return httpError(500, INTERNAL_ERROR_MESSAGE, { log: 'error' });
}

function applicationHttpError(error: ApplicationError): HttpError {
  const headers: Record<string, string> = {};
  if ((error instanceof RateLimited || error instanceof ConcurrencyConflict) && error.retryAfterSeconds !== undefined) {
    headers['Retry-After'] = String(error.retryAfterSeconds);
  }
  if (error instanceof MethodNotAllowed) headers.Allow = error.allowed.join(', ');
  if (error instanceof PreconditionFailed && error.currentEntityTag !== undefined) headers.ETag = error.currentEntityTag;
  return httpError(STATUS_BY_APPLICATION_KIND[error.kind], error.message, { headers });
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
