import { NameInvalid } from './api-key-errors.js';
import { KEY_NAME_PATTERN, keyName, MAX_KEY_NAME_LENGTH } from './key-name.js';

const refusal = (text: string): string => {
  try {
    keyName(text);
  } catch (error) {
    if (error instanceof NameInvalid) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(text)}`);
};

const LENGTH = 'name must be between 1 and 100 characters.';
const CONTROL = 'name must not contain control characters (such as NUL, tab, CR or LF).';
const BIDI = 'name must not contain bidirectional control characters (U+202A-U+202E, U+2066-U+2069).';
const SURROGATE = 'name must be valid Unicode text: it contains a lone surrogate.';
const BLANK = 'name must not be blank.';

describe('keyName (the name policy)', () => {
  it('keeps an ordinary name as it is, spaces and punctuation included', () => {
    expect(keyName('Production API Key')).toBe('Production API Key');
    expect(keyName(' staging / eu-west (2) ')).toBe(' staging / eu-west (2) ');
    expect(keyName('Clé de production 🔑')).toBe('Clé de production 🔑');
  });

  it('normalises to NFC', () => {
    const decomposed = 'Cle\u0301';
    expect(keyName(decomposed)).toBe('Cl\u00e9');
    expect(keyName('\u212B')).toBe('\u00C5'); // ANGSTROM SIGN -> A WITH RING ABOVE
  });

  it('counts the length in code points after normalisation', () => {
    expect(keyName('x'.repeat(MAX_KEY_NAME_LENGTH))).toHaveLength(MAX_KEY_NAME_LENGTH);
    expect(refusal('x'.repeat(MAX_KEY_NAME_LENGTH + 1))).toBe(LENGTH);
    // 100 astral characters are 200 UTF-16 units, and 100 characters.
    expect([...keyName('🔑'.repeat(MAX_KEY_NAME_LENGTH))]).toHaveLength(MAX_KEY_NAME_LENGTH);
    expect(refusal('🔑'.repeat(MAX_KEY_NAME_LENGTH + 1))).toBe(LENGTH);
    // 100 decomposed "é" are 200 code points as given, 100 once composed.
    expect(keyName('e\u0301'.repeat(MAX_KEY_NAME_LENGTH))).toBe('\u00e9'.repeat(MAX_KEY_NAME_LENGTH));
    // U+0344 is excluded from composition: NFC makes it two code points.
    expect(refusal('\u0344'.repeat(51))).toBe(LENGTH);
    expect(refusal('')).toBe(LENGTH);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['tab', 'a\tb'],
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['ESC', 'a\u001b[31m'],
    ['DEL', 'a\u007f'],
    ['a C1 control (NEL)', 'a\u0085b'],
  ])('refuses control characters: %s', (_name, text) => {
    expect(refusal(text)).toBe(CONTROL);
  });

  it.each([
    ['LRE', '\u202A'],
    ['RLE', '\u202B'],
    ['PDF', '\u202C'],
    ['LRO', '\u202D'],
    ['RLO', '\u202E'],
    ['LRI', '\u2066'],
    ['RLI', '\u2067'],
    ['FSI', '\u2068'],
    ['PDI', '\u2069'],
  ])('refuses bidirectional control characters: %s', (_name, character) => {
    expect(refusal(`invoice${character}fdp.exe`)).toBe(BIDI);
  });

  it.each([
    ['a lone high surrogate', 'a\uD83Db'],
    ['a lone low surrogate', 'a\uDD11b'],
    ['a high surrogate at the end', 'ab\uD83D'],
    ['reversed pair', '\uDD11\uD83D'],
  ])('refuses %s', (_name, text) => {
    expect(refusal(text)).toBe(SURROGATE);
  });

  it.each([' ', '   ', '\u00A0', '\u3000', '\uFEFF', '\u2028'])('refuses a blank name (%j)', (text) => {
    expect(refusal(text)).toBe(BLANK);
  });

  it('publishes a pattern that agrees with the policy on what it can express', () => {
    const pattern = new RegExp(KEY_NAME_PATTERN);
    for (const accepted of ['Production API Key', ' x ', 'Clé 🔑', 'e\u0301']) expect(pattern.test(accepted)).toBe(true);
    for (const refused of ['', ' ', '\uFEFF', 'a\nb', 'a\u0000', 'a\u202Eb', 'a\u2069', '\u00A0\u3000']) {
      expect(pattern.test(refused)).toBe(false);
    }
  });
});
