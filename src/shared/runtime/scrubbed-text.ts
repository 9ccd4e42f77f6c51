import { REDACTED_VALUE, redactSecrets } from '../domain/secret-redaction.js';

/** `//user:password@` in a URL: the user information a driver's message (or a Referer) may repeat. */
const URL_USER_INFO = /(\/\/)[^/@\s]+@/g;

/**
 * `text` without a key, a URL's user and password, or any of `secrets` (the configured ones, configuredSecrets):
 * for text a log line shows that came from elsewhere (an error's message, a request's header).
 */
export function scrubbedText(text: string, secrets: readonly string[] = []): string {
  let scrubbed = redactSecrets(text).replace(URL_USER_INFO, `$1${REDACTED_VALUE}@`);
  for (const secret of secrets) scrubbed = scrubbed.replaceAll(secret, REDACTED_VALUE);
  return scrubbed;
}
