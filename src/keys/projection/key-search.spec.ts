import { foldKeyName, matchesKeySearch, prefixRangeEnd } from './key-search.js';

/** Whether `name` falls in [start, end) by code point, the order every store compares strings in. */
const inRange = (name: string, start: string, end: string | null) => {
  const points = (text: string) => [...text].map((c) => c.codePointAt(0)!);
  const compare = (a: string, b: string) => {
    const [x, y] = [points(a), points(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  };
  return compare(name, start) >= 0 && (end === null || compare(name, end) < 0);
};

describe('key search', () => {
  it('folds a start of a name to a start of the folded name, Greek final sigma included', () => {
    expect(foldKeyName('Production API')).toBe('production api');
    expect(foldKeyName('ΟΔΟΣΑ').startsWith(foldKeyName('ΟΔΟΣ'))).toBe(true);
    expect(foldKeyName('Café')).toBe(foldKeyName('Cafe\u0301'));
  });

  it('bounds exactly the strings that start with the text, past U+FFFF and at the surrogate gap', () => {
    const starts = ['prod', 'a', 'é', '\ud7ff', '\uffff', '😀', 'x\u{10ffff}', '\u{10ffff}'];
    const names = ['prod', 'production', 'prod😀', 'proe', 'pro', 'prod\uffff', 'a', 'b', '\ud7ffz', '\ue000', '\uffff😀', '😀x', '😁', 'x\u{10ffff}!', 'y', '\u{10ffff}z'];
    for (const start of starts) {
      for (const name of names) expect({ start, name, kept: inRange(name, start, prefixRangeEnd(start)) }).toEqual({ start, name, kept: name.startsWith(start) });
    }
    expect(prefixRangeEnd('prod')).toBe('proe');
    expect(prefixRangeEnd('\u{10ffff}')).toBeNull();
  });

  it('keeps a view by both searches, and never a view without a name by name', () => {
    const view = { name: 'Prod EU', prefix: 'sk_abcdefghi' };
    expect(matchesKeySearch(view, { namePrefix: 'prod' })).toBe(true);
    expect(matchesKeySearch(view, { namePrefix: 'prod', prefix: 'sk_abcdefghi' })).toBe(true);
    expect(matchesKeySearch(view, { namePrefix: 'prod', prefix: 'sk_abcdefghj' })).toBe(false);
    expect(matchesKeySearch(view, { namePrefix: 'eu' })).toBe(false);
    expect(matchesKeySearch({ name: null, prefix: 'sk_abcdefghi' }, { namePrefix: 'a' })).toBe(false);
    // The folded name kept for a view follows a name changed in place.
    const changed = { name: 'Prod', prefix: 'sk_abcdefghi' };
    expect(matchesKeySearch(changed, { namePrefix: 'prod' })).toBe(true);
    changed.name = 'Staging';
    expect(matchesKeySearch(changed, { namePrefix: 'prod' })).toBe(false);
  });
});
