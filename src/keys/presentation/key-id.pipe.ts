import { ParseUUIDPipe } from '@nestjs/common';
import { InvalidRequest } from '../../shared/application/errors.js';

/** The `{api_key_id}` path parameter: a malformed id is a 400 naming the parameter. */
export const keyIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new InvalidRequest('api_key_id must be a UUID.'),
});
