import type { NextFunction, Request, Response } from 'express';

/**
 * The request target with the `%` of each path segment that does not decode (`%`, `%ZZ`, `%FF`: no UTF-8)
 * written `%25`, so that the segment decodes to the text sent; null when every segment decodes. The query
 * string is left as it is: express's query parser takes a bad escape as it stands.
 */
export function decodablePathTarget(url: string): string | null {
  if (!url.includes('%')) return null;
  const end = pathEnd(url);
  const segments = url.slice(0, end).split('/');
  let changed = false;
  for (let i = 0; i < segments.length; i++) {
    if (!segments[i].includes('%') || decodes(segments[i])) continue;
    segments[i] = segments[i].replaceAll('%', '%25');
    changed = true;
  }
  return changed ? segments.join('/') + url.slice(end) : null;
}

/**
 * express's router decodes a path parameter as it matches a route, and a parameter that does not decode fails
 * the request there with 400 "Failed to decode param '%'", before the guard: an anonymous caller got a 400
 * where every other id gets a 401, and a key holder an answer unlike the "api_key_id must be a UUID." of any
 * other id that is no UUID. With the segment's `%` escaped, the route gets the segment as sent and refuses it
 * once the request is authenticated. req.originalUrl keeps the target as sent (a 404 names it).
 */
export function undecodablePathMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const decodable = decodablePathTarget(req.url);
  if (decodable !== null) req.url = decodable;
  next();
}

function pathEnd(url: string): number {
  const query = url.indexOf('?');
  const fragment = url.indexOf('#');
  if (query === -1) return fragment === -1 ? url.length : fragment;
  return fragment === -1 ? query : Math.min(query, fragment);
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}
