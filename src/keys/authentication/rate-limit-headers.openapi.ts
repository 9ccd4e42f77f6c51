import type { OpenAPIObject } from '@nestjs/swagger';
import { API_KEY_SECURITY } from '../../shared/http/security-schemes.js';

type Header = { description: string; schema: Record<string, unknown> };
type Operation = { security?: Record<string, unknown>[]; responses?: Record<string, { headers?: Record<string, Header> }> };

const seconds = (description: string): Header => ({ description, schema: { type: 'integer', minimum: 0 } });

const RATE_LIMIT_HEADERS: Record<string, Header> = {
  'RateLimit-Limit': { description: "The key's limit: requests per its window.", schema: { type: 'integer', minimum: 1 } },
  'RateLimit-Remaining': { description: 'Requests the key may still make now.', schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Reset': seconds("Seconds until the key's whole quota is back."),
};
const RETRY_AFTER = seconds('Seconds until one more request would be admitted (the key, or the address after failed authentications).');

/**
 * Declares, on every answer of the routes an API key authenticates, the RateLimit fields setRateLimitHeaders writes
 * once the key is known (none on a 401, before it is), and Retry-After on a 429. Not required: a 429 for an
 * address's failed authentications knows no key, and a 500 or 503 may come before one is known.
 */
export function documentRateLimitHeaders(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      if (!operation?.security?.some((requirement) => API_KEY_SECURITY in requirement)) continue;
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (status === '401') continue;
        response.headers = { ...response.headers, ...RATE_LIMIT_HEADERS, ...(status === '429' ? { 'Retry-After': RETRY_AFTER } : {}) };
      }
    }
  }
  return document;
}
