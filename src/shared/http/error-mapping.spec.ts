import { jest } from '@jest/globals';
import {
  BadRequestException,
  HttpException,
  InternalServerErrorException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { KeyAlreadyExists, KeyNotFound, NameInvalid, RateLimitInvalid } from '../../keys/domain/api-key-errors.js';
import { generateApiKey } from '../../keys/domain/api-key-secret.js';
import {
  ConcurrencyConflict,
  InvalidRequest,
  PayloadTooLarge,
  PermissionDenied,
  RateLimited,
  ServiceUnavailable,
  Unauthenticated,
  UnsupportedMediaType,
} from '../application/errors.js';
import { StoreUnavailableError } from '../storage/store-unavailable.error.js';
import { bodyParserErrorHandler } from './body-parser-error.handler.js';
import { bodyParserRefusal, type HttpError, toHttpError } from './error-mapping.js';
import { INTERNAL_ERROR_MESSAGE } from './error-response.js';
import { jsonOnlyMiddleware } from './json-only.middleware.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="parsesphere"' };

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
      ['NameInvalid (rule_violated)', new NameInvalid(100), answer(400, 'invalid_request_error', 'name must be between 1 and 100 characters.')],
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
      ['Unauthenticated, with the challenge', new Unauthenticated('who?'), answer(401, 'authentication_error', 'who?', { headers: CHALLENGE })],
      ['PermissionDenied', new PermissionDenied('not yours'), answer(403, 'permission_error', 'not yours')],
      ['RateLimited, without a Retry-After when the wait is unknown', new RateLimited('slow down'), answer(429, 'rate_limit_error', 'slow down')],
      [
        'RateLimited, with Retry-After',
        new RateLimited('slow down', 7),
        answer(429, 'rate_limit_error', 'slow down', { headers: { 'Retry-After': '7' } }),
      ],
      ['ServiceUnavailable', new ServiceUnavailable('later'), answer(503, 'service_unavailable_error', 'later')],
      ['ConcurrencyConflict', new ConcurrencyConflict('raced'), answer(409, 'conflict_error', 'raced')],
      ['PayloadTooLarge', new PayloadTooLarge('big'), answer(413, 'payload_too_large_error', 'big')],
      ['UnsupportedMediaType', new UnsupportedMediaType('xml'), answer(415, 'unsupported_media_type_error', 'xml')],
    ])('%s', (_name, error, expected) => {
      expect(toHttpError(error)).toEqual(expected);
    });
  });

  it('answers a store outage with 503 and a message that does not tell which store or why, logged as a warning', () => {
    const error = new StoreUnavailableError('MongoDB', new Error('connect ECONNREFUSED 10.0.0.7:27017'));
    expect(toHttpError(error)).toEqual(
      answer(503, 'service_unavailable_error', 'A backing store is unavailable. Retry shortly.', { log: 'warn' }),
    );
  });

  describe("Nest's HttpException, with its own status", () => {
    it.each([
      ['a string response', new NotFoundException('Cannot GET /nowhere'), answer(404, 'not_found_error', 'Cannot GET /nowhere')],
      ['a list of messages', new BadRequestException(['a is wrong', 'b is wrong']), answer(400, 'invalid_request_error', 'a is wrong; b is wrong')],
      ['an object without a message', new HttpException({ reason: 'x' }, 405), answer(405, 'invalid_request_error', 'Http Exception')],
      ['a 401, with the challenge', new HttpException('no', 401), answer(401, 'authentication_error', 'no', { headers: CHALLENGE })],
      ['a 5xx, logged as an error', new InternalServerErrorException('broke'), answer(500, 'api_error', 'broke', { log: 'error' })],
      ['a 503, logged as an error', new ServiceUnavailableException('down'), answer(503, 'service_unavailable_error', 'down', { log: 'error' })],
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
      ['encoding.unsupported', answer(415, 'unsupported_media_type_error', 'The request body must be UTF-8 JSON.')],
      ['charset.unsupported', answer(415, 'unsupported_media_type_error', 'The request body must be UTF-8 JSON.')],
    ])('%s', (type, expected) => {
      expect(toHttpError(bodyParserError(type))).toEqual(expected);
    });

    it('leaves other body-parser errors to the default handler, and answers them as unexpected here', () => {
      const aborted = bodyParserError('request.aborted');
      expect(bodyParserRefusal(aborted)).toBeNull();
      expect(bodyParserRefusal(bodyParserError('toString'))).toBeNull();
      expect(toHttpError(aborted)).toEqual(answer(500, 'api_error', INTERNAL_ERROR_MESSAGE, { log: 'error' }));
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

/** An express Response that records what it was told. */
/** A response as node:http has it (what sendJson writes to), recording the status, the error headers and the JSON body. */
function recordingResponse() {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const res = {
    set statusCode(status: number) {
      sent.status = status;
    },
    setHeader: (name: string, value: string | number) => {
      if (name !== 'Content-Type' && name !== 'Content-Length') sent.headers[name] = String(value);
    },
    end: (json: string) => {
      sent.body = JSON.parse(json);
    },
  };
  return { res: res as unknown as Response, sent };
}

describe('bodyParserErrorHandler', () => {
  it('answers the refusals it knows through toHttpError', () => {
    const { res, sent } = recordingResponse();
    const next = jest.fn();
    bodyParserErrorHandler(bodyParserError('entity.too.large'), {} as Request, res, next as unknown as NextFunction);
    expect(sent).toEqual({ status: 413, headers: {}, body: { error: { type: 'payload_too_large_error', message: 'The request body is too large.' } } });
    expect(next).not.toHaveBeenCalled();
  });

  it('passes any other error on', () => {
    const { res, sent } = recordingResponse();
    const next = jest.fn();
    const error = bodyParserError('request.aborted');
    bodyParserErrorHandler(error, {} as Request, res, next as unknown as NextFunction);
    expect(next).toHaveBeenCalledWith(error);
    expect(sent).toEqual({ headers: {} });
  });
});

describe('jsonOnlyMiddleware', () => {
  const request = (headers: Record<string, string>, json: boolean) => ({ headers, is: () => (json ? 'application/json' : false) }) as unknown as Request;

  it('refuses a body that is not JSON with 415', () => {
    const { res, sent } = recordingResponse();
    const next = jest.fn();
    jsonOnlyMiddleware(request({ 'content-length': '3' }, false), res, next as unknown as NextFunction);
    expect(sent).toEqual({
      status: 415,
      headers: {},
      body: { error: { type: 'unsupported_media_type_error', message: 'Request bodies must be JSON (Content-Type: application/json).' } },
    });
    expect(next).not.toHaveBeenCalled();
  });

  it('lets JSON bodies and bodiless requests through', () => {
    const { res, sent } = recordingResponse();
    const next = jest.fn();
    jsonOnlyMiddleware(request({ 'content-length': '3' }, true), res, next as unknown as NextFunction);
    jsonOnlyMiddleware(request({}, false), res, next as unknown as NextFunction);
    expect(next).toHaveBeenCalledTimes(2);
    expect(sent).toEqual({ headers: {} });
  });
});
