import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { OutgoingMessage } from 'node:http';
import type { Request } from 'express';
import { InvalidRequest } from '../../../shared/application/errors.js';
import { ErrorResponse } from '../../../shared/http/error-response.openapi.js';

/** 1 to 255 printable ASCII characters; spaces inside only (a header's value loses those around it on the way). */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7E]([\\x20-\\x7E]{0,253}[\\x21-\\x7E])?$';
const IDEMPOTENCY_KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);

export const IDEMPOTENCY_KEY_INVALID = 'Idempotency-Key must be 1 to 255 printable ASCII characters.';

export const IDEMPOTENCY_KEY_REPEATED = 'Idempotency-Key must be sent once: this request has it in several header fields.';

/**
 * The request's Idempotency-Key, checked; null without one. Never echoed: it is the client's, and may hold anything.
 * Node joins repeated fields with ", " (`a` and `b` read `a, b`, a value neither field sent): several are refused.
 */
export function readIdempotencyKey(req: Pick<Request, 'headers'> & Partial<Pick<Request, 'headersDistinct'>>): string | null {
  const value = req.headers['idempotency-key'];
  if (value === undefined) return null;
  if ((req.headersDistinct?.['idempotency-key']?.length ?? 1) > 1) throw new InvalidRequest(IDEMPOTENCY_KEY_REPEATED);
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) throw new InvalidRequest(IDEMPOTENCY_KEY_INVALID);
  return value;
}

export const IDEMPOTENT_REPLAYED = 'Idempotent-Replayed';

/** Says a 201 answers a repeat: the key was made by the first request, and this answer carries its new secret. */
export function markReplayed(res: OutgoingMessage): void {
  res.setHeader(IDEMPOTENT_REPLAYED, 'true');
}

/** The 201's Idempotent-Replayed header as the OpenAPI document declares it. */
export const IDEMPOTENT_REPLAYED_HEADER = {
  [IDEMPOTENT_REPLAYED]: {
    description:
      'true when the request repeated an Idempotency-Key: no key was made; this is the key the first request made, with a new secret (the one answered before no longer works).',
    required: false,
    schema: { type: 'string', enum: ['true'] },
  },
};

/**
 * The Idempotency-Key header, and the route's 409 with the cases it adds and Retry-After. `conflicts` is the route's
 * own 409 cases, said first in the one description: a route's second 409 declaration would be joined to the first
 * with a blank line, two descriptions in one.
 */
export const IdempotencyKeyHeader = (conflicts: string) =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY_PATTERN },
      description:
        'Makes a retry safe (docs/api.md, "Idempotency-Key"): the same value with the same request within 24 hours, from the same key, makes no second key; ' +
        'it answers the key the first request made, with a new secret (the first one stops working), and Idempotent-Replayed: true.',
    }),
    ApiResponse({
      status: 409,
      type: ErrorResponse,
      description:
        `${conflicts}; or, with Idempotency-Key, the value was used with a different request, the key its first request made has since been revoked, ` +
        'expired or rolled, or that request is still in progress (Retry-After).',
      headers: {
        'Retry-After': {
          description: 'Seconds to wait: the first request with this Idempotency-Key is still in progress, or other changes to the key kept winning the race.',
          required: false,
          schema: { type: 'integer' },
        },
      },
    }),
  );
