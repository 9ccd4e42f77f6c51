import { DISPLAY_PREFIX_LENGTH } from './api-key-format.js';

/**
 * How many base62 characters after `sk_` make a run key-shaped. A whole key has 38 (32 random + 6 checksum);
 * 20 also catches a key whose checksum was mistyped, changed or cut off, or that was cut short by up to 12
 * of its random characters. A shorter run reveals at most 11 random characters beyond the display prefix,
 * leaving at least 12 (71 bits) unknown, which no one guesses through rate-limited endpoints; and ordinary
 * words such as `task_definitions` or `risk_assessment` stay intact.
 */
export const KEY_SHAPED_MIN_RUN = 20;

export const REDACTED_MARKER = '…[redacted]';

/**
 * `sk_` in any case or as `sk-` (a key's secret is its characters after the prefix: `SK_<38>` written by a shouting
 * client still gives it away), at least KEY_SHAPED_MIN_RUN base62 characters, then the rest of the word (\w:
 * letters, digits, `_`). Taking the whole word matters: in `sk_<36 chars>sk_<key>` a match that stopped at the
 * first `_` would leave the second key's 38 secret characters behind.
 */
const KEY_SHAPED_SOURCE = `[sS][kK][_-][0-9A-Za-z]{${KEY_SHAPED_MIN_RUN}}\\w*`;
/** Whether text may hold a key-shaped run at all: its prefix, spelled any way KEY_SHAPED_SOURCE takes. */
const MAY_HOLD_KEY = /sk[_-]/i;
const KEY_SHAPED = new RegExp(KEY_SHAPED_SOURCE, 'g');
const KEY_SHAPED_ANYWHERE = new RegExp(KEY_SHAPED_SOURCE);

const redact = (match: string): string => match.slice(0, DISPLAY_PREFIX_LENGTH) + REDACTED_MARKER;

/** Text that may spell a key other than plainly: a percent-escape, or any character outside ASCII. */
const MAY_DISGUISE = /[%\u0080-\uffff]/;
/** Characters that render as nothing: a key with one of them inside still reads as the key. */
const INVISIBLE = /^\p{Default_Ignorable_Code_Point}$/u;
const INVISIBLES = /\p{Default_Ignorable_Code_Point}/gu;
/**
 * A percent-escaped character: one ASCII byte, or the two to four bytes of one UTF-8 sequence (`%E2%80%8B`, a
 * zero-width space), as a URL encodes a character outside ASCII. Decoded by decodeEscape; one that does not decode
 * (an overlong form, a surrogate) stays as written.
 */
const ESCAPE_SOURCE = '%[0-7][0-9A-Fa-f]|%[C-Dc-d][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ee][0-9A-Fa-f](?:%[89ABab][0-9A-Fa-f]){2}|%[Ff][0-4](?:%[89ABab][0-9A-Fa-f]){3}';
const ESCAPE_AT = new RegExp(ESCAPE_SOURCE, 'y');
const ESCAPES = new RegExp(ESCAPE_SOURCE, 'g');

const decodeEscape = (escape: string): string => {
  try {
    return decodeURIComponent(escape);
  } catch {
    return escape;
  }
};

/**
 * The text as asRead reads it, without the offsets, in three native passes (a few times faster than asRead on a
 * path with escapes or a name with accents): it holds a key whenever asRead's reading does, so text without one,
 * nearly all of it, costs no more.
 */
const quickRead = (text: string): string => text.replace(ESCAPES, decodeEscape).normalize('NFKC').replace(INVISIBLES, '');

/** The text as a reader takes it in, and for each of its characters the offset in the text it came from. */
interface ReadText {
  read: string;
  from: number[];
}

/**
 * Percent-escapes decoded (`%73k_…`, `sk%5F…`, and a character outside ASCII such as `%E2%80%8B`), invisible
 * characters dropped, and each character in its compatibility form (NFKC: fullwidth `ｓｋ＿…` is `sk_…`): how a key
 * can be pasted so that it still reads as one, but no longer matches the plain pattern.
 */
function asRead(text: string): ReadText {
  const from: number[] = [];
  let read = '';
  for (let offset = 0; offset < text.length; ) {
    let character = String.fromCodePoint(text.codePointAt(offset) as number);
    let length = character.length;
    if (character === '%') {
      ESCAPE_AT.lastIndex = offset;
      const escape = ESCAPE_AT.exec(text)?.[0];
      const decoded = escape === undefined ? escape : decodeEscape(escape);
      if (escape !== undefined && decoded !== escape) [character, length] = [decoded as string, escape.length];
    }
    if (!INVISIBLE.test(character)) {
      const folded = character.normalize('NFKC');
      read += folded;
      for (let i = 0; i < folded.length; i++) from.push(offset);
    }
    offset += length;
  }
  return { read, from };
}

/** Every key-shaped run of the text as read, replaced where it stands in the text by its read prefix and the marker. */
function redactDisguised(text: string): string {
  if (!KEY_SHAPED_ANYWHERE.test(quickRead(text))) return text;
  const { read, from } = asRead(text);
  let redacted = '';
  let kept = 0;
  let matched = false;
  for (const match of read.matchAll(KEY_SHAPED)) {
    const start = from[match.index];
    const end = match.index + match[0].length;
    redacted += text.slice(kept, start) + redact(match[0]);
    kept = end < read.length ? from[end] : text.length;
    matched = true;
  }
  return matched ? redacted + text.slice(kept) : text;
}

/**
 * Client-supplied text as it may be recorded (in an event, a read model, a log line or an error message):
 * every key-shaped substring becomes its display prefix + "…[redacted]". Key-shaped, not only well-formed:
 * a key with a wrong checksum is still one typo away from the secret, so it is redacted as well, and no
 * checksum is computed. Also a key spelled with percent-escapes, invisible characters or fullwidth forms
 * (asRead), and one written `SK_` or `sk-`. ASCII text without `sk_`/`sk-` (any case) or `%` (nearly all of it) costs two
 * scans and comes back as is.
 */
export function redactSecrets(text: string): string {
  if (MAY_DISGUISE.test(text)) return redactDisguised(text);
  if (!MAY_HOLD_KEY.test(text)) return text;
  return text.replace(KEY_SHAPED, redact);
}

/** Whether redactSecrets would change the text. */
export function containsSecret(text: string): boolean {
  if (MAY_DISGUISE.test(text)) return redactDisguised(text) !== text;
  if (!MAY_HOLD_KEY.test(text)) return false;
  return KEY_SHAPED_ANYWHERE.test(text);
}

export const REDACTED_VALUE = '[redacted]';

/**
 * A request target (path and query string) as it may be recorded: the path with its secrets redacted, also
 * those spelled with percent-escapes; every query value replaced by "[redacted]" (a query string is where
 * clients put credentials, ours and others' that no pattern recognises), the names kept so a reader still
 * sees `?api_key=` and knows what went wrong; the fragment dropped.
 */
export function redactRequestTarget(target: string): string {
  const fragment = target.indexOf('#');
  const withoutFragment = fragment === -1 ? target : target.slice(0, fragment);
  const query = withoutFragment.indexOf('?');
  const path = query === -1 ? withoutFragment : withoutFragment.slice(0, query);
  const redacted = query === -1 ? path : `${path}?${redactQueryValues(withoutFragment.slice(query + 1))}`;
  return redactSecrets(redacted);
}

function redactQueryValues(query: string): string {
  return query
    .split('&')
    .map((item) => {
      if (item === '') return item;
      const equals = item.indexOf('=');
      return equals === -1 ? REDACTED_VALUE : `${item.slice(0, equals)}=${REDACTED_VALUE}`;
    })
    .join('&');
}
