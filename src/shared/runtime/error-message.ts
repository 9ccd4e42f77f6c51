import { REDACTED_VALUE, redactSecrets } from '../domain/secret-redaction.js';

/**
 * What an error says: its message, whatever realm its class comes from (a worker's or a native addon's error may
 * fail `instanceof Error`), else the value as text.
 */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** `//user:password@` in a URL: the user information a driver's message may repeat. */
const URL_USER_INFO = /(\/\/)[^/@\s]+@/g;

/**
 * The first line of what an error says (never a stack) without a key, a URL's user and password, or any of
 * `secrets` (the configured ones): what a log line or readiness may show of a store's or a server's failure.
 */
export function scrubbedErrorLine(error: unknown, secrets: readonly string[] = []): string {
  let line = redactSecrets(errorMessage(error).split('\n')[0]).replace(URL_USER_INFO, `$1${REDACTED_VALUE}@`);
  for (const secret of secrets) line = line.replaceAll(secret, REDACTED_VALUE);
  return line;
}
