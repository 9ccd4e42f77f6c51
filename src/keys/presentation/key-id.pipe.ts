import type { PipeTransform } from '@nestjs/common';
import { InvalidRequest } from '../../shared/application/errors.js';
import { canonicalUuid } from '../../shared/http/validation-rules.js';

/** The `{api_key_id}` path parameter: a UUID in any case, kept in lowercase; anything else is a 400 naming it. */
export const keyIdPipe: PipeTransform<unknown, string> = {
  transform(value: unknown): string {
    const id = canonicalUuid(value);
    if (id === null) throw new InvalidRequest('api_key_id must be a UUID.');
    return id;
  },
};
