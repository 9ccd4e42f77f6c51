import {
  BadRequestException,
  HttpException,
  InternalServerErrorException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { KeyAlreadyExists, KeyNotFound, NameInvalid, RateLimitInvalid } from '../../keys/domain/api-key-errors.js';
import { generateApiKey } from '../../keys/domain/api-key-secret.js';
import {
  ConcurrencyConflict,
  InvalidRequest,
  MethodNotAllowed,
  PayloadTooLarge,
  PermissionDenied,
  RateLimited,
  ServiceUnavailable,
  Unauthenticated,
  UnknownReference,
  UnsupportedMediaType,
} from '../application/errors.js';
import { StoreDamagedError } from '../storage/store-damaged.error.js';
import { StoreUnavailableError } from '../storage/store-unavailable.error.js';
import { bodyParserRefusal, type HttpError, toHttpError } from './error-mapping.js';
import { INTERNAL_ERROR_MESSAGE } from './error-response.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="parsesphere"' };
/** Every 503 the mapping gives says when to retry (RETRY_AFTER_UNAVAILABLE_SECONDS). */
const RETRY = { 'Retry-After': '1' };

const answer = (status: number, type: string, message: string, extra: Partial<HttpError> = {}): HttpError => ({
  status,
  body: { error: { type, message } },
  headers: {},
  log: 'none',
  ...extra,
});

const bodyParserError = (type: string, message = 'from body-parser') => Object.assign(new Error(message), { type, status: 400 });

describe('toHttpError', () => {
  describe('domain errors, by kind', () => {
    it.each([
      ['KeyNotFound (not_found)', new KeyNotFound('k1'), answer(404, 'not_found_error', 'No such API key: k1')],
      ['KeyAlreadyExists (conflict)', new KeyAlreadyExists('k1'), answer(409, 'conflict_error', 'API key k1 already exists.')],
      ['NameInvalid (rule_violated)', new NameInvalid('name must be between 1 and 100 characters.'), answer(400, 'invalid_request_error', 'name must be between 1 and 100 characters.')],
      [
        'RateLimitInvalid (rule_violated)',
        new RateLimitInvalid({ requests: { min: 1, max: 1_000_000 }, perSeconds: { min: 1, max: 86_400 } }),
        answer(400, 'invalid_request_error', 'rate_limit must allow 1-1000000 requests per 1-86400 seconds.'),
      ],
    ])('%s', (_name, error, expected) => {
      expect(toHttpError(error)).toEqual(expected);
    });
  });

  describe('application errors, by kind', () => {
    it.each([
      ['InvalidRequest', new InvalidRequest('bad'), answer(400, 'invalid_request_error', 'bad')],
      ['UnknownReference', new UnknownReference('starting_after: no such key'), answer(404, 'not_found_error', 'starting_after: no such key')],
      ['Unauthenticated, with the challenge', new Unauthenticated('who?'), answer(401, 'authentication_error', 'who?', { headers: CHALLENGE })],
      ['PermissionDenied', new PermissionDenied('not yours'), answer(403, 'permission_error', 'not yours')],
      ['RateLimited, without a Retry-After when the wait is unknown', new RateLimited('slow down'), answer(429, 'rate_limit_error', 'slow down')],
      [
        'RateLimited, with Retry-After',
        new RateLimited('slow down', 7),
        answer(429, 'rate_limit_error', 'slow down', { headers: { 'Retry-After': '7' } }),
      ],
      ['ServiceUnavailable, with Retry-After', new ServiceUnavailable('later'), answer(503, 'service_unavailable_error', 'later', { headers: RETRY })],
      ['ConcurrencyConflict', new ConcurrencyConflict('raced'), answer(409, 'conflict_error', 'raced')],
      [
        'ConcurrencyConflict, with Retry-After (a request still in progress)',
        new ConcurrencyConflict('in progress', 1),
        answer(409, 'conflict_error', 'in progress', { headers: { 'Retry-After': '1' } }),
      ],
      ['PayloadTooLarge', new PayloadTooLarge('big'), answer(413, 'payload_too_large_error', 'big')],
      ['UnsupportedMediaType', new UnsupportedMediaType('xml'), answer(415, 'unsupported_media_type_error', 'xml')],
      [
        'MethodNotAllowed, with Allow',
        new MethodNotAllowed('PUT', ['GET', 'HEAD', 'POST']),
        answer(405, 'invalid_request_error', 'Method PUT is not allowed on this path. Allowed: GET, HEAD, POST.', {
          headers: { Allow: 'GET, HEAD, POST' },
        }),
      ],
    ])('%s', (_name, error, expected) => {
      expect(toHttpError(error)).toEqual(expected);
    });
  });

  it('answers a store outage with 503, Retry-After and a message that does not tell which store or why, logged as a warning', () => {
    const error = new StoreUnavailableError('MongoDB', new Error('connect ECONNREFUSED 10.0.0.7:27017'));
    expect(toHttpError(error)).toEqual(
      answer(503, 'service_unavailable_error', 'A backing store is unavailable. Retry shortly.', { headers: RETRY, log: 'warn' }),
    );
  });

  // A damaged SQLite file found after opening answered 500 api_error.
  it('answers a damaged store with the same 503, logged as an error: no retry here mends it', () => {
    const error = new StoreDamagedError('The event log /data/events.sqlite', Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }));
    expect(error.message).toBe('The event log /data/events.sqlite is damaged: database disk image is malformed');
    expect(toHttpError(error)).toEqual(
      answer(503, 'service_unavailable_error', 'A backing store is unavailable. Retry shortly.', { headers: RETRY, log: 'error' }),
    );
  });

  // A read-model file damaged mid-run wrote an error line for every request that read it.
  it('answers damage the store reported itself with the same 503, and no line of its own', () => {
    const cause = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    const error = new StoreDamagedError('Read-model file /data/read-model.sqlite', cause, { reported: true });
    expect(toHttpError(error)).toEqual(
      answer(503, 'service_unavailable_error', 'A backing store is unavailable. Retry shortly.', { headers: RETRY, log: 'none' }),
    );
  });

  describe("Nest's HttpException, with its own status", () => {
    it.each([
      ['a string response', new NotFoundException('Cannot GET /nowhere'), answer(404, 'not_found_error', 'Cannot GET /nowhere')],
      ['a list of messages', new BadRequestException(['a is wrong', 'b is wrong']), answer(400, 'invalid_request_error', 'a is wrong; b is wrong')],
      ['an object without a message', new HttpException({ reason: 'x' }, 405), answer(405, 'invalid_request_error', 'Http Exception')],
      ['a 401, with the challenge', new HttpException('no', 401), answer(401, 'authentication_error', 'no', { headers: CHALLENGE })],
      ['a 5xx, logged as an error', new InternalServerErrorException('broke'), answer(500, 'api_error', 'broke', { log: 'error' })],
      ['a 503, with Retry-After, logged as an error', new ServiceUnavailableException('down'), answer(503, 'service_unavailable_error', 'down', { headers: RETRY, log: 'error' })],
      ['a status without a type of its own', new HttpException('teapot', 418), answer(418, 'invalid_request_error', 'teapot')],
    ])('%s', (_name, error, expected) => {
      expect(toHttpError(error)).toEqual(expected);
    });
  });

  it('redacts keys that a message echoes from the request (a path, a property name)', () => {
    const key = generateApiKey();
    const marker = `${key.slice(0, 12)}…[redacted]`;
    expect(toHttpError(new NotFoundException(`Cannot GET /v1/${key}?k=${key}`)).body.error.message).toBe(`Cannot GET /v1/${marker}?k=${marker}`);
    expect(toHttpError(new InvalidRequest(`${key}: property ${key} should not exist`)).body.error.message).toBe(
      `${marker}: property ${marker} should not exist`,
    );
  });

  describe('body-parser errors, by type', () => {
    it.each([
      ['entity.too.large', answer(413, 'payload_too_large_error', 'The request body is too large.')],
      ['entity.parse.failed', answer(400, 'invalid_request_error', 'The request body is not valid JSON.')],
      // body-parser's type for an unsupported Content-Encoding
      ['encoding.unsupported', answer(415, 'unsupported_media_type_error', 'The request body must be sent with Content-Encoding gzip, deflate or identity.')],
      ['body.invalid_utf8', answer(400, 'invalid_request_error', 'The request body is not valid UTF-8.')],
      ['charset.unsupported', answer(415, 'unsupported_media_type_error', 'The request body must be UTF-8 JSON.')],
      // The client left mid-body: a refusal (nobody reads it), not an unexpected error logged with its stack.
      ['request.aborted', answer(400, 'invalid_request_error', 'The connection closed before the whole request body was received.')],
    ])('%s', (type, expected) => {
      expect(toHttpError(bodyParserError(type))).toEqual(expected);
    });

    it.each([['Z_DATA_ERROR', 'incorrect header check'], ['Z_BUF_ERROR', 'unexpected end of file']])(
      "answers a body that zlib cannot decompress (%s) with our message, not zlib's",
      (code, zlibMessage) => {
        const zlib = Object.assign(new Error(zlibMessage), { code, errno: -3, status: 400 });
        expect(toHttpError(zlib)).toEqual(answer(400, 'invalid_request_error', 'The request body could not be decompressed.'));
      },
    );

    it('leaves other body-parser errors to the default handler, and answers them as unexpected here', () => {
      const unreadable = bodyParserError('stream.not.readable');
      expect(bodyParserRefusal(unreadable)).toBeNull();
      expect(bodyParserRefusal(bodyParserError('toString'))).toBeNull();
      expect(toHttpError(unreadable)).toEqual(answer(500, 'api_error', INTERNAL_ERROR_MESSAGE, { log: 'error' }));
    });
  });

  it.each([
    ['an Error', new Error('secret detail')],
    ['a TypeError', new TypeError('x is undefined')],
    ['a string', 'thrown text'],
    ['undefined', undefined],
  ])('answers anything else (%s) with a 500 that tells nothing, logged as an error', (_name, error) => {
    expect(toHttpError(error)).toEqual(answer(500, 'api_error', INTERNAL_ERROR_MESSAGE, { log: 'error' }));
  });
});
