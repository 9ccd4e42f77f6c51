import { parsedUrl } from './parsed-url.js';

/** The host of a Redis URL: a name, an IPv4 address or an [IPv6] address. */
const HOST = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])$/;

/**
 * What is wrong with REDIS_URL for ioredis, which reads it with WHATWG `new URL` (a malformed one would throw,
 * value and password in the error, only once the module that opens Redis is built), or null. The sentence
 * follows the setting's name and never repeats the value: the URL may hold a password.
 */
export function redisUrlProblem(value: string): string | null {
  const url = parsedUrl(value);
  if (url === null) return 'must be a URL, redis://[user:password@]host[:port][/db] or rediss://..., with a port from 1 to 65535';
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return 'must start with redis:// or rediss://';
  // The URL lower-cases the scheme; ioredis turns TLS on only for a value that starts with "rediss://" as written:
  // REDISS:// passed this rule and connected without TLS, the password in clear (until 2026-12-06).
  if (!/^rediss?:\/\//.test(value)) return 'must write its scheme in lower case, redis:// or rediss:// (REDISS:// would connect without TLS)';
  if (!HOST.test(url.hostname)) return 'must name a host: a name, an IPv4 address or an [IPv6] address';
  if (url.port === '0') return 'must have a port from 1 to 65535';
  if (!/^(\/\d{1,2})?\/?$/.test(url.pathname)) return 'may end with a database number only (/0 to /99)';
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) return 'takes no ?options or #fragment';
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    return 'must percent-encode its user name and password';
  }
  return null;
}
