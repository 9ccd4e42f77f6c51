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
const BIDI = 'name must not contain bidirectional control characters (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).';
const SURROGATE = 'name must be valid Unicode text: it contains a lone surrogate.';
const BLANK = 'name must not be blank (only spaces or invisible characters).';

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
    ['LRM', '\u200E'],
    ['RLM', '\u200F'],
    ['ALM', '\u061C'],
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

  it.each([
    ['zero-width space', '\u200B'],
    ['word joiner', '\u2060'],
    ['soft hyphen', '\u00AD'],
    ['zero-width joiner and non-joiner', '\u200D\u200C'],
    ['Hangul filler', '\u3164'],
    ['Hangul choseong and jungseong fillers', '\u115F\u1160'],
    ['halfwidth Hangul filler', '\uFFA0'],
    ['braille blank', '\u2800'],
    ['combining grapheme joiner', '\u034F'],
    ['variation selector', '\uFE0F'],
    ['tag characters', '\u{E0061}\u{E007F}'],
    ['invisible characters among spaces', ' \u200B \u2800 '],
  ])('refuses a name of invisible characters only: %s', (_name, text) => {
    expect(refusal(text)).toBe(BLANK);
  });

  it('keeps a name with one visible character among invisible ones, and emoji sequences with joiners and selectors', () => {
    expect(keyName('\u200Bx\u200B')).toBe('\u200Bx\u200B');
    expect(keyName('👩\u200D💻 deploy')).toBe('👩\u200D💻 deploy');
    expect(keyName('\u2764\uFE0F')).toBe('\u2764\uFE0F');
    expect(keyName('ㅎ')).toBe('ㅎ');
  });

  it('publishes a pattern that counts as visible exactly what keyName does, across the Basic Multilingual Plane', () => {
    const pattern = new RegExp(KEY_NAME_PATTERN);
    const disagreements: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const character = String.fromCharCode(code);
      let byPolicy: boolean;
      try {
        keyName(character);
        byPolicy = true;
      } catch {
        byPolicy = false;
      }
      if (pattern.test(character) !== byPolicy) {
        disagreements.push(code.toString(16));
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('publishes a pattern that agrees with the policy on what it can express', () => {
    const pattern = new RegExp(KEY_NAME_PATTERN);
    for (const accepted of ['Production API Key', ' x ', 'Clé 🔑', 'e\u0301']) expect(pattern.test(accepted)).toBe(true);
    for (const refused of ['', ' ', '\uFEFF', 'a\nb', 'a\u0000', 'a\u202Eb', 'a\u2069', '\u00A0\u3000', '\u200B', '\u3164', 'admin\u200F-key']) {
      expect(pattern.test(refused)).toBe(false);
    }
  });
});
