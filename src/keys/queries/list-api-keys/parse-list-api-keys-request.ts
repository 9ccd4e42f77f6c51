import { InvalidRequest } from '../../../shared/application/errors.js';
import { checkJsonShape } from '../../../shared/http/json-shape.js';
import { PAGE_LIMIT } from '../../../shared/http/page-limit.dto.js';
import { unknownField } from '../../../shared/http/unknown-field.js';
import { canonicalUuid, integerRangeMessage, queryInteger } from '../../../shared/http/validation-rules.js';
import { KEY_STATUSES, type KeyStatus } from '../../projection/api-key-view.js';
import {
  DISPLAY_PREFIX_MESSAGE,
  displayPrefixProblem,
  KEY_STATUS_MESSAGE,
  NAME_PREFIX_MESSAGE,
  namePrefixProblem,
  readDisplayPrefix,
  WHOLE_KEY_IN_NAME_MESSAGE,
  WHOLE_KEY_MESSAGE,
} from './key-search-parameters.js';

/** GET /v1/api-keys's query, read: every parameter is optional. */
export interface ListApiKeysRequest {
  readonly limit: number | undefined;
  /** Lowercase: ids are compared without regard to case. */
  readonly startingAfter: string | null;
  readonly status: KeyStatus | null;
  /** include=requests_per_hour: each key with its requests per hour, as a dashboard charts them. */
  readonly requestsPerHour: boolean;
  /** name_prefix: the start of the name, any case, as given (folded by the handler). */
  readonly namePrefix: string | null;
  /** prefix: a display prefix (its first DISPLAY_PREFIX_LENGTH characters when more were given). */
  readonly prefix: string | null;
}

/** What include= can add to each key of the page. */
export const LIST_INCLUDES = ['requests_per_hour'] as const;

export const LIST_QUERY_MESSAGES = {
  startingAfter: 'starting_after must be an API key id (a UUID)',
  status: KEY_STATUS_MESSAGE,
  include: `include must be one of ${LIST_INCLUDES.join(', ')}`,
  limit: integerRangeMessage('limit', PAGE_LIMIT.min, PAGE_LIMIT.max),
  namePrefix: NAME_PREFIX_MESSAGE,
  prefix: DISPLAY_PREFIX_MESSAGE,
  wholeKey: WHOLE_KEY_MESSAGE,
  wholeKeyInName: WHOLE_KEY_IN_NAME_MESSAGE,
} as const;

/** The page size when the request names none. */
export const DEFAULT_PAGE_SIZE = 20;

const KNOWN = new Set(['limit', 'starting_after', 'status', 'include', 'name_prefix', 'prefix']);
const isStatus = (value: unknown): value is KeyStatus => (KEY_STATUSES as readonly unknown[]).includes(value);
const isInclude = (value: unknown): boolean => (LIST_INCLUDES as readonly unknown[]).includes(value);

/**
 * Reads a parsed query string (node's querystring: a repeated name gives an array) with the messages the
 * validation pipe gives the routes served by Nest: one per invalid parameter, the declared ones first
 * (starting_after, status, include, limit), then each unknown one, joined by "; ".
 */
export function parseListApiKeysRequest(query: Record<string, string | string[] | undefined>): ListApiKeysRequest {
  checkJsonShape(query);
  const { limit, starting_after: startingAfter, status, include, name_prefix: namePrefix, prefix } = query;
  const readLimit = limit === undefined ? undefined : queryInteger(limit, PAGE_LIMIT.min, PAGE_LIMIT.max);
  const readCursor = startingAfter === undefined ? null : canonicalUuid(startingAfter);
  const problems = [
    ...(startingAfter !== undefined && readCursor === null ? [LIST_QUERY_MESSAGES.startingAfter] : []),
    ...(status !== undefined && !isStatus(status) ? [LIST_QUERY_MESSAGES.status] : []),
    ...(include !== undefined && !isInclude(include) ? [LIST_QUERY_MESSAGES.include] : []),
    ...(readLimit === null ? [LIST_QUERY_MESSAGES.limit] : []),
    ...(namePrefix === undefined ? [] : [namePrefixProblem(namePrefix)].filter((problem) => problem !== null)),
    ...(prefix !== undefined && readDisplayPrefix(prefix) === null ? [displayPrefixProblem(prefix)] : []),
    ...Object.keys(query)
      .filter((name) => !KNOWN.has(name))
      .map((name) => unknownField(name)),
  ];
  if (problems.length > 0) throw new InvalidRequest(problems.join('; '));
  return {
    limit: readLimit ?? undefined,
    startingAfter: readCursor,
    status: isStatus(status) ? status : null,
    requestsPerHour: include !== undefined,
    namePrefix: typeof namePrefix === 'string' ? namePrefix : null,
    prefix: prefix === undefined ? null : readDisplayPrefix(prefix),
  };
}
