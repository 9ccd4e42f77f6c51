import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../../shared/domain/domain-error.js';

/** The `{api_key_id}` path parameter: a malformed id is a 400 naming the parameter. */
export const keyIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new DomainError('INVALID_REQUEST', 'api_key_id must be a UUID.'),
});
