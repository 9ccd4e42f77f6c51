import { NameInvalid } from './api-key-errors.js';

export const MAX_KEY_NAME_LENGTH = 100;

/** C0 and C1 control characters: NUL, tab, CR, LF, ESC, DEL and the rest. */
const CONTROL = '\\u0000-\\u001F\\u007F-\\u009F';
/**
 * Bidirectional embeddings, overrides and isolates, which can make a name display as another, and the marks
 * (ALM, LRM, RLM) that reorder what is around them as well.
 */
const BIDI_CONTROL = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
/**
 * What shows nothing, in the Basic Multilingual Plane: Unicode White_Space outside the control range, the format
 * characters (General_Category Cf: soft hyphen, zero-width space and joiners, word joiner, BOM, ...), the other
 * Default_Ignorable_Code_Point characters (Hangul fillers U+115F, U+1160, U+3164, U+FFA0, variation selectors,
 * ...) and the braille blank U+2800. VISIBLE says the rest, for every plane; a spec holds the two together.
 */
const INVISIBLE_BMP =
  '\\u0020\\u00A0\\u00AD\\u034F\\u0600-\\u0605\\u061C\\u06DD\\u070F\\u0890\\u0891\\u08E2\\u115F\\u1160\\u1680' +
  '\\u17B4\\u17B5\\u180B-\\u180F\\u2000-\\u200F\\u2028-\\u202F\\u205F-\\u206F\\u2800\\u3000\\u3164' +
  '\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFFB';

const HAS_CONTROL = new RegExp(`[${CONTROL}]`);
const HAS_BIDI_CONTROL = new RegExp(`[${BIDI_CONTROL}]`);
/** A character that shows something: not a control, a space, a format character, a default-ignorable one or a blank. */
const VISIBLE = /[^\p{Cc}\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The name policy as one ECMA-262 pattern, for the OpenAPI document: no control or bidi control character,
 * and at least one visible character (INVISIBLE_BMP). Lone surrogates, invisible characters outside the Basic
 * Multilingual Plane (tags U+E0000-U+E0FFF, ...) and the length after normalisation are checked by keyName only.
 */
export const KEY_NAME_PATTERN = `^[^${CONTROL}${BIDI_CONTROL}]*[^${CONTROL}${BIDI_CONTROL}${INVISIBLE_BMP}][^${CONTROL}${BIDI_CONTROL}]*$`;

export const KEY_NAME_RULES =
  `NFC-normalised; 1 to ${MAX_KEY_NAME_LENGTH} characters (Unicode code points, counted after normalisation); ` +
  'not blank (at least one visible character: spaces, format characters such as U+200B, U+00AD or U+2060, ' +
  'fillers such as U+3164 and U+2800 do not count); no control characters (NUL, tab, CR, LF, ...: U+0000-U+001F, ' +
  'U+007F-U+009F), no bidirectional control characters (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and ' +
  'no lone surrogates.';

/**
 * A key's name as stored: the given text in Unicode Normalization Form C, or NameInvalid saying which rule it
 * breaks. Length is in code points, after normalisation, so "é" counts 1 however it was typed. For new input only:
 * a name already in the log is never checked again, so one stored under an older policy still loads.
 */
export function keyName(text: string): string {
  if (text.length === 0) throw tooLongOrEmpty();
  if (LONE_SURROGATE.test(text)) throw new NameInvalid('name must be valid Unicode text: it contains a lone surrogate.');
  if (HAS_CONTROL.test(text)) throw new NameInvalid('name must not contain control characters (such as NUL, tab, CR or LF).');
  if (HAS_BIDI_CONTROL.test(text)) {
    throw new NameInvalid('name must not contain bidirectional control characters (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).');
  }
  if (!VISIBLE.test(text)) throw new NameInvalid('name must not be blank (only spaces or invisible characters).');
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
