import { scrubbedText } from './scrubbed-text.js';

/**
 * What an error says: its message, whatever realm its class comes from (a worker's or a native addon's error may
 * fail `instanceof Error`), else the value as text.
 */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * The first line of what an error says (never a stack) without a key, a URL's user and password, or any of
 * `secrets` (the configured ones): what a log line or readiness may show of a store's or a server's failure.
 */
export function scrubbedErrorLine(error: unknown, secrets: readonly string[] = []): string {
  return scrubbedText(errorMessage(error).split('\n')[0], secrets);
}
