/**
 * Every /v1 answer is one caller's (a key's plaintext in a create or roll answer among them): no cache may keep
 * it, and no browser may read it as anything but the JSON it says it is.
 */
export const API_ANSWER_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * Every other answer (health, metrics, the 404 of an unknown path, which repeats the path): read as the type it
 * says, never sniffed. The dashboard and the docs set it again with their CSP.
 */
export const NO_SNIFF_HEADER = { name: 'X-Content-Type-Options', value: 'nosniff' } as const;

/**
 * The probes' answers (liveness, readiness, metrics), errors included: read fresh or not at all, and readiness shows
 * its checks' error texts (hosts, ports, files) to a METRICS_TOKEN holder. Until 2026-12-07 only /metrics' 200 said so.
 */
export const NO_STORE_HEADER = { name: 'Cache-Control', value: 'no-store' } as const;

const PROBE_PATHS = new Set(['/health', '/health/ready', '/metrics']);

/** True for a request path of a probe, in any case and with a trailing slash (as the router matches). */
export function isProbePath(path: string): boolean {
  const lower = path.toLowerCase();
  return PROBE_PATHS.has(lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower);
}

/** API_ANSWER_HEADERS as the flat name, value list writeHead takes. */
export const API_ANSWER_HEADER_LIST: readonly string[] = Object.entries(API_ANSWER_HEADERS).flat();

const API_PREFIX = '/v1';

/** True for a request path under /v1, in any case (as the router matches). */
export function isApiPath(path: string): boolean {
  if (path.length < API_PREFIX.length || path.slice(0, API_PREFIX.length).toLowerCase() !== API_PREFIX) return false;
  return path.length === API_PREFIX.length || path[API_PREFIX.length] === '/';
}
