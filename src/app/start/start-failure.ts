import type { Environment } from '../../shared/config/environment.js';
import { scrubbedErrorLine } from '../../shared/runtime/error-message.js';

/** The settings that are secrets outright, and those whose value is a URL that may carry a password. */
const SECRET_SETTINGS = ['VERIFY_TOKEN', 'METRICS_TOKEN', 'ALERT_WEBHOOK_SECRET', 'ALERT_WEBHOOK_SECRET_PREVIOUS'] as const;
const URL_SETTINGS = ['MONGODB_URL', 'REDIS_URL', 'EVENTSTORE_URL', 'ALERT_WEBHOOK_URL'] as const;

/** `scheme://user:password@` (MongoDB's host lists are no WHATWG URL: read by hand). */
const CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]*)@/i;

/**
 * What may not appear in a log line (a failed start's, a store's error, a request's headers at debug): the secret
 * settings, and the user and password of each URL, as written and percent-decoded (drivers print either).
 */
export function configuredSecrets(environment: Partial<Pick<Environment, (typeof SECRET_SETTINGS)[number] | (typeof URL_SETTINGS)[number]>>): string[] {
  const secrets: string[] = SECRET_SETTINGS.flatMap((name) => environment[name] ?? []);
  for (const name of URL_SETTINGS) {
    const credentials = CREDENTIALS.exec(environment[name] ?? '')?.[1];
    if (!credentials) continue;
    for (const part of [credentials, ...credentials.split(':')]) {
      secrets.push(part);
      try {
        secrets.push(decodeURIComponent(part));
      } catch {
        // Not percent-encoding: the part as written is what a driver could print.
      }
    }
  }
  // A short user name ("u", "admin") would redact ordinary words; the password next to it is redacted all the same.
  return [...new Set(secrets)].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
}

/**
 * Why a start failed, or a store did not answer while the service waits for it: the first line of the message
 * (never a stack; enough to tell "refused" from "timed out" from "authentication failed"), cut to 300
 * characters, without a key, a URL's user and password, or any of `secrets`.
 */
export function describeStartFailure(reason: unknown, secrets: readonly string[] = []): string {
  return scrubbedErrorLine(reason, secrets).slice(0, 300);
}

/**
 * A store that did not answer, as the start's retry line gives it: its technology, then why. An error that names it
 * already ("EventStoreDB is unavailable: …") is not prefixed again ("EventStoreDB: EventStoreDB is unavailable: …").
 */
export function storeDownLine(technology: string, error: string | undefined): string {
  return error?.startsWith(`${technology} `) ? error : `${technology}: ${error}`;
}
