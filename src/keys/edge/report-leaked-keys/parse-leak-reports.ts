import { isUtf8 } from 'node:buffer';
import { InvalidRequest } from '../../../shared/application/errors.js';
import { BODY_REFUSALS } from '../../../shared/http/read-json-body.js';

/** One match a scanner reports, as GitHub's secret scanning sends it. */
export interface LeakReport {
  token: string;
  type: string;
  url: string | null;
  source: string | null;
}

const ARRAY_EXPECTED = 'The request body must be a JSON array of {token, type, url, source} objects.';

/** The reports of a signed body: a JSON array of objects with a string token and type, and optionally a url and source. */
export function parseLeakReports(body: Buffer): LeakReport[] {
  if (!isUtf8(body)) throw new InvalidRequest(BODY_REFUSALS.invalidUtf8);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidRequest(BODY_REFUSALS.malformed);
  }
  if (!Array.isArray(parsed)) throw new InvalidRequest(ARRAY_EXPECTED);
  return parsed.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new InvalidRequest(`[${index}] must be an object. ${ARRAY_EXPECTED}`);
    const { token, type, url, source } = item as Record<string, unknown>;
    if (typeof token !== 'string') throw new InvalidRequest(`[${index}].token must be a string.`);
    if (typeof type !== 'string') throw new InvalidRequest(`[${index}].type must be a string.`);
    if (url !== undefined && url !== null && typeof url !== 'string') throw new InvalidRequest(`[${index}].url must be a string.`);
    if (source !== undefined && source !== null && typeof source !== 'string') throw new InvalidRequest(`[${index}].source must be a string.`);
    return { token, type, url: (url as string | undefined) ?? null, source: (source as string | undefined) ?? null };
  });
}
