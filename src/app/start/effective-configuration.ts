import type { Environment } from '../../shared/config/environment.js';

/** Settings that are secrets outright: the start says whether each is set, never what it is. */
const SECRETS = new Set(['VERIFY_TOKEN', 'METRICS_TOKEN', 'ALERT_WEBHOOK_SECRET', 'ALERT_WEBHOOK_SECRET_PREVIOUS']);
/** URLs that may hold a password, or be a secret in their path (a chat service's webhook): said as scheme and hosts. */
const URLS = new Set(['MONGODB_URL', 'REDIS_URL', 'EVENTSTORE_URL', 'ALERT_WEBHOOK_URL']);

/**
 * `scheme://[credentials@]hosts[rest]` (MongoDB's host lists are no WHATWG URL: read by hand). The credentials run
 * to the last `@` before the path, as WHATWG URL (ioredis) reads them: a password with an unencoded `@` is no host.
 * The hosts end at a backslash too, which fetch reads as `/` in an http(s) URL: a webhook's path is its secret.
 */
const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)?([^/?#\\]*)(.*)$/is;

/**
 * Every setting as this process took it, its default included, for the start's `listening` line: an operator
 * checks there what a variable did (or did not: a misspelt one leaves the default). Secrets are `(set)`; a URL
 * keeps its scheme and hosts, its user, password, path and options replaced by `…`; unset ones are left out.
 */
export function effectiveConfiguration(environment: Environment): Record<string, string | number> {
  const settings: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(environment) as [string, unknown][]) {
    if (value === undefined) continue;
    if (SECRETS.has(name)) settings[name] = '(set)';
    else if (URLS.has(name)) settings[name] = redactedUrl(String(value));
    else settings[name] = typeof value === 'number' ? value : String(value);
  }
  return settings;
}

/**
 * `user:password@` as @eventstore/db-client reads it (esdb-connection-string.ts): to the first `@` after the first `:`,
 * so its password may hold a `/` or a `#` that URL_PARTS would take for the end of the hosts.
 */
const ESDB_CREDENTIALS = /^(esdb(?:\+discover)?:\/\/)[^:?]+:[^@?]+@/;

function redactedUrl(url: string): string {
  const parts = URL_PARTS.exec(url.replace(ESDB_CREDENTIALS, '$1…@'));
  if (parts === null) return '(set)';
  const [, scheme, credentials, hosts, rest] = parts;
  return `${scheme}${credentials ? '…@' : ''}${hosts}${rest ? '/…' : ''}`;
}
