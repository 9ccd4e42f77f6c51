import { containsSecret } from '../../../shared/domain/secret-redaction.js';
import { DISPLAY_PREFIX_LENGTH, KEY_SCHEME_PREFIX } from '../../../shared/domain/api-key-format.js';
import { MAX_KEY_NAME_LENGTH } from '../../domain/key-name.js';
import { KEY_STATUSES } from '../../projection/api-key-view.js';

/** status: one of the statuses a key view has (the CLI's --status says the same). */
export const KEY_STATUS_MESSAGE = `status must be one of ${KEY_STATUSES.join(', ')}`;

/** name_prefix: 1 to MAX_KEY_NAME_LENGTH code points as sent (no name is longer), no control character. */
export const NAME_PREFIX_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$';
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
export const NAME_PREFIX_MESSAGE = `name_prefix must be 1 to ${MAX_KEY_NAME_LENGTH} characters, without control characters`;

/**
 * prefix: the display prefix (sk_ and 9 letters or digits), or a longer start of the key as long as it is not key-shaped
 * (containsSecret: 20 characters after sk_), or the prefix as a log line shows it, followed by "…[redacted]".
 */
const MAX_EXTRA = 10;
export const DISPLAY_PREFIX_PATTERN = `^${KEY_SCHEME_PREFIX}[0-9A-Za-z]{${DISPLAY_PREFIX_LENGTH - KEY_SCHEME_PREFIX.length},${DISPLAY_PREFIX_LENGTH - KEY_SCHEME_PREFIX.length + MAX_EXTRA}}(…\\[redacted\\])?$`;
const DISPLAY_PREFIX = new RegExp(DISPLAY_PREFIX_PATTERN);
export const DISPLAY_PREFIX_MESSAGE =
  `prefix must be a key's prefix as the listing shows it: ${KEY_SCHEME_PREFIX} and ${DISPLAY_PREFIX_LENGTH - KEY_SCHEME_PREFIX.length} letters or digits ` +
  `(${DISPLAY_PREFIX_LENGTH} characters; up to ${MAX_EXTRA} more are ignored)`;
/** Says what to do instead, and never repeats what was sent. */
const wholeKeyMessage = (parameter: string, searchBy: string) =>
  `${parameter} holds what looks like a whole API key, which is never looked up: search by its first ${DISPLAY_PREFIX_LENGTH} characters${searchBy}. ` +
  'To check a key, use POST /v1/keys/verify; if it may have leaked (pasted into a URL, a log or a chat), revoke it (DELETE /v1/api-keys/{id})';
export const WHOLE_KEY_MESSAGE = wholeKeyMessage('prefix', '');
export const WHOLE_KEY_IN_NAME_MESSAGE = wholeKeyMessage('name_prefix', ' as prefix=');

/**
 * name_prefix's problem, or null: a whole key (any spelling containsSecret reads) gets the whole-key answer, as prefix
 * does. Names are stored redacted, so none can match it; compared all the same, it went on to the read model as a
 * filter (folded to lower case: with the stored hash, a few million guesses from the key), where a store's slow-query
 * log could keep it.
 */
export function namePrefixProblem(value: string | string[]): string | null {
  if ((Array.isArray(value) ? value : [value]).some(containsSecret)) return WHOLE_KEY_IN_NAME_MESSAGE;
  return isNamePrefix(value) ? null : NAME_PREFIX_MESSAGE;
}

export function isNamePrefix(value: string | string[]): value is string {
  if (typeof value !== 'string' || CONTROL.test(value)) return false;
  let codePoints = 0;
  for (const _ of value) if (++codePoints > MAX_KEY_NAME_LENGTH) return false;
  return codePoints > 0;
}

/** The display prefix the value starts with, or null when it is not one (displayPrefixProblem says why). */
export function readDisplayPrefix(value: string | string[]): string | null {
  if (typeof value !== 'string' || !DISPLAY_PREFIX.test(value)) return null;
  return value.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** A whole key (or anything key-shaped, however spelt) gets its own answer: the caller may have leaked it. */
export const displayPrefixProblem = (value: string | string[]): string =>
  (Array.isArray(value) ? value : [value]).some(containsSecret) ? WHOLE_KEY_MESSAGE : DISPLAY_PREFIX_MESSAGE;
