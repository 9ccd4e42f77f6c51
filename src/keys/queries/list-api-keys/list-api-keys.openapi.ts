import type { OpenAPIObject } from '@nestjs/swagger';
import { jsonContent } from '../../../shared/http/edge-route.js';
import { PAGE_LIMIT } from '../../../shared/http/page-limit.dto.js';
import { DEFAULT_PAGE_SIZE, LIST_INCLUDES } from './parse-list-api-keys-request.js';
import { API_KEY_SECURITY } from '../../../shared/http/security-schemes.js';
import { KEY_STATUSES } from '../../projection/api-key-view.js';
import { MAX_KEY_NAME_LENGTH } from '../../domain/key-name.js';
import { DISPLAY_PREFIX_PATTERN, NAME_PREFIX_PATTERN } from './key-search-parameters.js';
import { ERROR_DESCRIPTIONS } from '../../presentation/api-responses.decorator.js';

export const LIST_API_KEYS_PATH = '/v1/api-keys';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;


/** The statuses the listing can answer besides 200: those of every authenticated route, and a bad query or cursor. */
const ERROR_STATUSES = [400, 401, 403, 404, 413, 415, 429, 500, 503];

/**
 * The listing is served outside Nest's router, so no controller describes it: this entry does, beside the
 * POST that creates a key on the same path, over the models configureApp registers as extra models.
 */
export function documentListApiKeys(document: OpenAPIObject): OpenAPIObject {
  const get: Operation = {
    tags: ['API keys'],
    summary: 'List API keys',
    description:
      'Newest first by creation as recorded in the event log (the order starting_after pages by, exactly; keys created at nearly the same moment on different instances ' +
      'can be out of created_at order by tens of milliseconds), redacted: only the prefix of each key is shown. status= keeps the keys of one status; name_prefix= and prefix= find keys by name or by ' +
      'the prefix a log or a listing showed, in the same order and pages (each combines with the others). A whole key given as prefix= or name_prefix= is refused (400) and never looked up.',
    operationId: 'listApiKeys',
    security: [{ [API_KEY_SECURITY]: [] }],
    parameters: [
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Page size.',
        schema: { type: 'integer', minimum: PAGE_LIMIT.min, maximum: PAGE_LIMIT.max, default: DEFAULT_PAGE_SIZE },
      },
      {
        name: 'starting_after',
        in: 'query',
        required: false,
        description: 'Id of the last key of the previous page (any case). It must be a key of this account: otherwise 404.',
        schema: { type: 'string', format: 'uuid' },
      },
      {
        name: 'status',
        in: 'query',
        required: false,
        description: 'Only keys of this status now: a key past its expiry is expired, a disabled key past its expiry too.',
        schema: { type: 'string', enum: [...KEY_STATUSES] },
      },
      {
        name: 'include',
        in: 'query',
        required: false,
        description: 'requests_per_hour: each key with its requests per hour for the last 24 hours (what a dashboard charts), so one request lists and charts a page.',
        schema: { type: 'string', enum: [...LIST_INCLUDES] },
      },
      {
        name: 'name_prefix',
        in: 'query',
        required: false,
        description:
          'Only keys whose name starts with this text, in any case (compared lower-cased, after NFC normalisation, without regard to locale). Keys without a name never match. ' +
          'A whole key (or 20 or more characters after sk_, in any case) is refused with 400 and not looked up, as for prefix=.',
        schema: { type: 'string', minLength: 1, maxLength: MAX_KEY_NAME_LENGTH, pattern: NAME_PREFIX_PATTERN },
      },
      {
        name: 'prefix',
        in: 'query',
        required: false,
        description:
          `Only the key with this display prefix (the listing's prefix: sk_ and 9 letters or digits, exactly, case sensitive). Up to 10 more characters of the key, ` +
          `or a log line's "…[redacted]" after the prefix, are ignored. A whole key (or 20 or more characters after sk_) is refused with 400 and not looked up: ` +
          'check a key with POST /v1/keys/verify, and revoke one that may have leaked.',
        schema: { type: 'string', pattern: DISPLAY_PREFIX_PATTERN },
      },
    ],
    responses: {
      '200': { description: 'A page of keys, newest first by creation as recorded in the log.', content: jsonContent('ApiKeyListResponse') },
      ...Object.fromEntries(
        ERROR_STATUSES.map((status) => [String(status), { description: ERROR_DESCRIPTIONS[status], content: jsonContent('ErrorResponse') }]),
      ),
    },
  };
  document.paths[LIST_API_KEYS_PATH] = { ...document.paths[LIST_API_KEYS_PATH], get };
  return document;
}
