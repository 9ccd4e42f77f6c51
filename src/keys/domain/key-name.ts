import { NameInvalid } from './api-key-errors.js';

export const MAX_KEY_NAME_LENGTH = 100;

/** C0 and C1 control characters: NUL, tab, CR, LF, ESC, DEL and the rest. */
const CONTROL = '\\u0000-\\u001F\\u007F-\\u009F';
/** Bidirectional embeddings, overrides and isolates, which can make a name display as another. */
const BIDI_CONTROL = '\\u202A-\\u202E\\u2066-\\u2069';
/** Unicode White_Space outside the control range, and the byte order mark. */
const SPACE = '\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF';

const HAS_CONTROL = new RegExp(`[${CONTROL}]`);
const HAS_BIDI_CONTROL = new RegExp(`[${BIDI_CONTROL}]`);
const HAS_VISIBLE = new RegExp(`[^${CONTROL}${BIDI_CONTROL}${SPACE}]`);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The name policy as one ECMA-262 pattern, for the OpenAPI document: no control or bidi control character,
 * and at least one character that is neither of those nor a space. Lone surrogates and the length after
 * normalisation are checked by keyName only.
 */
export const KEY_NAME_PATTERN = `^[^${CONTROL}${BIDI_CONTROL}]*[^${CONTROL}${BIDI_CONTROL}${SPACE}][^${CONTROL}${BIDI_CONTROL}]*$`;

export const KEY_NAME_RULES =
  `NFC-normalised; 1 to ${MAX_KEY_NAME_LENGTH} characters (Unicode code points, counted after normalisation); ` +
  'not blank; no control characters (NUL, tab, CR, LF, ...: U+0000-U+001F, U+007F-U+009F), no bidirectional ' +
  'control characters (U+202A-U+202E, U+2066-U+2069) and no lone surrogates.';

/**
 * A key's name as stored: the given text in Unicode Normalization Form C, or NameInvalid saying which rule it
 * breaks. Length is in code points, after normalisation, so "é" counts 1 however it was typed.
 */
export function keyName(text: string): string {
  if (text.length === 0) throw tooLongOrEmpty();
  if (LONE_SURROGATE.test(text)) throw new NameInvalid('name must be valid Unicode text: it contains a lone surrogate.');
  if (HAS_CONTROL.test(text)) throw new NameInvalid('name must not contain control characters (such as NUL, tab, CR or LF).');
  if (HAS_BIDI_CONTROL.test(text)) {
    throw new NameInvalid('name must not contain bidirectional control characters (U+202A-U+202E, U+2066-U+2069).');
  }
  if (!HAS_VISIBLE.test(text)) throw new NameInvalid('name must not be blank.');
  const normalized = text.normalize('NFC');
  if (codePoints(normalized) > MAX_KEY_NAME_LENGTH) throw tooLongOrEmpty();
  return normalized;
}

const tooLongOrEmpty = () => new NameInvalid(`name must be between 1 and ${MAX_KEY_NAME_LENGTH} characters.`);

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
