import type { OpenAPIObject } from '@nestjs/swagger';
import { API_KEY_SECURITY } from '../../shared/http/security-schemes.js';

type Header = { description: string; required: false; schema: Record<string, unknown> };
type Operation = { security?: Record<string, unknown>[]; responses?: Record<string, { headers?: Record<string, Header> }> };

const header = (description: string, minimum: number): Header => ({ description, required: false, schema: { type: 'integer', minimum } });

/**
 * When an answer of each status carries the fields: once the key is known and its limit consulted. A key refused
 * for its address is not (design-notes.md: a refused address does not spend the key's limit), nor is anything
 * the failed-authentication guard refuses, before any key is known.
 */
const WHEN_SENT: Record<string, string> = {
  '403':
    "Sent when the key lacks a permission or may not grant what was asked: the request counted against the key's limit. " +
    'Absent when the key may not be used from this address: that refusal comes before the limit is consulted and does not spend it.',
  '429':
    "Sent when the key's own limit is exceeded (the key's fields), and when its account's is (ACCOUNT_RATE_LIMIT_REQUESTS, " +
    "all its keys together: the account's fields, the limit that refused). " +
    'Absent on the 429 for too many failed authentications from this address, which comes before any key is known.',
};
const ONCE_KNOWN = 'Sent on every answer once the key is known; absent on a 500 or 503 that comes before.';

const rateLimitHeaders = (status: string): Record<string, Header> => {
  const when = WHEN_SENT[status] ?? ONCE_KNOWN;
  return {
    'RateLimit-Limit': header(`The key's limit: requests per its window. ${when}`, 1),
    'RateLimit-Remaining': header(`Requests the key may still make now. ${when}`, 0),
    'RateLimit-Reset': header(`Seconds until the key's whole quota is back. ${when}`, 0),
  };
};
const RETRY_AFTER = header('Seconds until one more request would be admitted (the key, its account, or the address after failed authentications).', 0);

/**
 * Declares, on every answer of the routes an API key authenticates, the RateLimit fields setRateLimitHeaders writes
 * once the key is known (none on a 401, before it is), saying when each status carries them, and Retry-After on a
 * 429. Not required: a 403 for an address and a 429 for failed authentications carry none, and a 500 or 503 may
 * come before the key is known.
 */
export function documentRateLimitHeaders(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      if (!operation?.security?.some((requirement) => API_KEY_SECURITY in requirement)) continue;
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (status === '401') continue;
        response.headers = { ...response.headers, ...rateLimitHeaders(status), ...(status === '429' ? { 'Retry-After': RETRY_AFTER } : {}) };
      }
    }
  }
  return document;
}
