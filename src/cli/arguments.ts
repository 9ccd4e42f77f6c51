// Not from parse-list-api-keys-request.js, which loads Nest, class-validator and swagger: --help and usage errors load none.
import { displayPrefixProblem, KEY_STATUS_MESSAGE, NAME_PREFIX_MESSAGE, namePrefixProblem, readDisplayPrefix } from '../keys/queries/list-api-keys/key-search-parameters.js';
import { KEY_STATUSES, type KeyStatus } from '../keys/projection/api-key-view.js';
import { containsSecret } from '../shared/domain/secret-redaction.js';
import { InvalidArgumentError } from 'commander';
import { DAY_MS, MIN_ARCHIVE_AGE_MS } from '../usage/archiving/archive-usage.js';
import { LATEST_RFC3339_UTC_MS, parseRfc3339 } from '../shared/domain/rfc3339.js';
import type { KeyRateLimit } from '../keys/domain/api-key-events.js';
import { EXPIRES_IN_SECONDS } from '../keys/commands/create-api-key/expires-in-seconds.js';
import { ROLL_BOUNDS } from '../keys/domain/api-key-decider.js';

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WITHOUT_SECONDS = /^(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2})(?=[Zz+-])/;

/** Parsers for commander: each throws InvalidArgumentError, which the CLI reports as a usage error (exit 2). */
export function accountId(text: string): string {
  if (!ACCOUNT_ID.test(text)) throw new InvalidArgumentError('an account id is 1-64 letters, digits, _ or -');
  // An account id is recorded in every event of the account and cannot be redacted: a key is refused.
  if (containsSecret(text)) throw new InvalidArgumentError('an account id must not be an API key');
  return text;
}

/** An alert id as the webhook's id and `alerts` give it: 32 lowercase hex digits. */
export function alertId(text: string): string {
  if (!/^[0-9a-f]{32}$/.test(text)) throw new InvalidArgumentError("an alert id is 32 hex digits, as the webhook's id and the CLI's alerts give it");
  return text;
}

export function keyId(text: string): string {
  if (!UUID.test(text)) throw new InvalidArgumentError('a key id is a UUID');
  return text.toLowerCase();
}

/** An event's id (the audit log's --starting-after): a UUID, as GET /v1/events takes it. */
export function eventId(text: string): string {
  if (!UUID.test(text)) throw new InvalidArgumentError('an event id is a UUID');
  return text.toLowerCase();
}

/** --name-prefix: as GET /v1/api-keys?name_prefix= takes it; a whole key is refused, never looked up. */
export function namePrefix(text: string): string {
  const problem = namePrefixProblem(text);
  if (problem === NAME_PREFIX_MESSAGE) throw new InvalidArgumentError(NAME_PREFIX_MESSAGE.replace('name_prefix', 'a name prefix'));
  if (problem !== null) throw new InvalidArgumentError(problem);
  return text;
}

/** --prefix: as GET /v1/api-keys?prefix= takes it; a whole key is refused, never looked up (the message does not repeat it). */
export function keyPrefix(text: string): string {
  const read = readDisplayPrefix(text);
  if (read === null) throw new InvalidArgumentError(displayPrefixProblem(text));
  return read;
}

/** --status: as GET /v1/api-keys?status= takes it, refused with the API's message. */
export function keyStatus(text: string): KeyStatus {
  if (!(KEY_STATUSES as readonly string[]).includes(text)) throw new InvalidArgumentError(KEY_STATUS_MESSAGE);
  return text as KeyStatus;
}

export function pageLimit(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 100) throw new InvalidArgumentError('the limit is an integer from 1 to 100');
  return Number(text);
}

/** The API's rule for a date-time (RFC 3339: a real calendar day, a zone), with the seconds optional here. */
export function instant(text: string): Date {
  const parsed = parseRfc3339(text.replace(WITHOUT_SECONDS, '$1:00'));
  if (parsed === null) throw new InvalidArgumentError('an instant is an RFC 3339 date-time with its offset (the seconds may be left out), e.g. 2026-01-31T12:00:00Z');
  return parsed;
}

/** --as-of: an instant, no later than the last one the answer can write (the API's rule for as_of). */
export function asOfInstant(text: string): Date {
  const at = instant(text);
  if (at.getTime() > LATEST_RFC3339_UTC_MS) throw new InvalidArgumentError(`--as-of must be no later than ${new Date(LATEST_RFC3339_UTC_MS).toISOString()}`);
  return at;
}

export function rateLimit(text: string): KeyRateLimit {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new InvalidArgumentError('a rate limit is <requests>/<seconds>, for example 100/60');
  // Its bounds are the Decider's rule, checked there (exit 1 with the rule), not repeated here.
  const limit = { requests: Number(match[1]), perSeconds: Number(match[2]) };
  return limit;
}

/** A comma-separated list (permissions, addresses): each item is checked by the Decider, which names the rule. */
export function list(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/**
 * A whole number of seconds within the bounds the API's request has for it, named after the option: a value out of
 * them is a malformed argument, exit 2, like one that is no number, with the API's rule in the option's name.
 */
function secondsBetween(option: string, { min, max }: { min: number; max: number }): (text: string) => number {
  return (text) => {
    const value = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) throw new InvalidArgumentError(`${option} must be an integer between ${min} and ${max}`);
    return value;
  };
}

/**
 * --expires-in: the API's rule for expires_in_seconds. Its bounds are the request's, not a rule of the Decider (which
 * sees only the instant, and would answer 0 with "expires_at must be in the future.").
 */
export const expiresIn = secondsBetween('--expires-in', EXPIRES_IN_SECONDS);

/**
 * roll's --grace and --close-when-idle: the API's rule for grace_seconds and close_when_idle_seconds. The Decider
 * checks the same bounds; the API refuses a value out of them as a malformed request (400) before, and so does the CLI.
 */
export const graceSeconds = secondsBetween('--grace', ROLL_BOUNDS.graceSeconds);
export const closeWhenIdleSeconds = secondsBetween('--close-when-idle', ROLL_BOUNDS.closeWhenIdleSeconds);

/** archive-usage --before: an instant at least MIN_ARCHIVE_AGE_MS ago (what a run refuses anyway, said before it opens a store). */
export function archiveBefore(text: string): Date {
  const before = instant(text);
  if (before.getTime() > Date.now() - MIN_ARCHIVE_AGE_MS) {
    throw new InvalidArgumentError(`--before must be at least ${MIN_ARCHIVE_AGE_MS / DAY_MS} days ago (uses since then are still read from the log)`);
  }
  return before;
}

/** archive-usage --older-than: whole days, from the youngest age a run takes to a hundred years. */
export function archiveAgeDays(text: string): number {
  const days = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  const min = MIN_ARCHIVE_AGE_MS / DAY_MS;
  if (!(days >= min && days <= 36_500)) throw new InvalidArgumentError(`--older-than is a whole number of days from ${min} to 36500`);
  return days;
}


/**
 * An --if-match argument: the revision `show` prints (`3`), the ETag the API answers (`"3"`, quotes optional), or `*`
 * (any revision), as the ETag the change compares (`"3"` or `*`). Anything else names no revision at all: before,
 * `--if-match abc` (or `W/"0"`, or ` 0`) on a key at revision 0 was refused with "it has changed since", which it had not.
 */
export function revision(text: string): string {
  if (text === '*') return '*';
  const match = /^("?)(\d{1,15})\1$/.exec(text);
  if (match === null) throw new InvalidArgumentError('a revision is a whole number, as show prints it (or the ETag "3"), or * for any');
  return `"${Number(match[2])}"`;
}
