import { fetchBlockedPort } from './fetch-blocked-port.js';
import { isLoopbackHost } from './loopback-host.js';
import { parsedUrl } from './parsed-url.js';

/**
 * What is wrong with SECRET_SCANNING_PUBLIC_KEYS, or null: an absolute path, or a URL the keys are fetched from over
 * TLS. The keys are all a report is trusted for: over plain http anyone on the way could serve their own and sign
 * reports that revoke any key whose token they hold, or use the endpoint to check tokens unthrottled by the failed-auth
 * guard. Plain http is kept for this host (a copy served on loopback, the tests' fake scanner). Never repeats the value.
 */
export function secretScanningKeysProblem(value: string): string | null {
  if (value.startsWith('/')) return /\s/.test(value) ? 'must be an absolute path or an https:// URL' : null;
  const url = parsedUrl(value);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) return 'must be an absolute path or an https:// URL';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'must be an https:// URL (http:// only to this host: anyone on the way could replace the keys and sign reports that revoke keys)';
  }
  if (url.username !== '' || url.password !== '') return 'must not hold a user name or password (fetch refuses them)';
  const blocked = fetchBlockedPort(url);
  if (blocked !== null) return `must not use port ${blocked}: fetch refuses to connect to it (the Fetch standard blocks it), so the keys would never be fetched`;
  return null;
}
