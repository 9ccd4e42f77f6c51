import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { InvalidRequest } from '../../shared/application/errors.js';
import type { Principal } from '../authentication/principal.js';
import { IF_MATCH_PATTERN, isIfMatch } from './if-match.js';
import type { KeyChangeRequest } from './key-change.js';

/** A change to one key as a request asks it: by the key that authenticated it, guarded by its If-Match if any. */
export function keyChangeRequest(keyId: string, principal: Principal, req: Request): KeyChangeRequest {
  const ifMatch = req.header('if-match') ?? null;
  if (ifMatch !== null && !isIfMatch(ifMatch)) {
    throw new InvalidRequest('If-Match must be * or a list of ETags, such as "3" (quotes included).');
  }
  return { keyId, accountId: principal.accountId, actor: principal, requestId: req.requestId, ifMatch };
}

/** The If-Match header of every change to a key, for the OpenAPI document. */
export const IfMatchHeader = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    schema: { type: 'string', pattern: IF_MATCH_PATTERN },
    description: 'Change the key only if it is still at this version: its ETag, such as "3" (quotes included), a list of them, or *. A key changed since answers 412 and nothing is changed.',
  });
