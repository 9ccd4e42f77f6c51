import type { ApiKeyView } from './api-key-view.js';

/** What GET /v1/api-keys?name_prefix= / ?prefix= keep, as every key query reads it (ApiKeyListQuery). */
export interface KeySearch {
  /** Folded by foldKeyName: names whose folded form starts with it. */
  namePrefix?: string;
  /** A display prefix (DISPLAY_PREFIX_LENGTH characters): keys whose stored prefix is exactly it. */
  prefix?: string;
}

/**
 * A name as the case-insensitive name search compares it: NFC, lower case (Unicode's default mapping, no locale), and
 * final sigma as sigma. JS lower-cases Σ to ς at the end of a word only, so "ΟΔΟΣ" would fold to a string that is not a
 * start of "ΟΔΟΣΑ"'s; with ς folded to σ, folding a start of a name gives a start of the folded name. Stored beside the
 * name in each read model (SQLite's lower() and MongoDB's $toLower change ASCII only), so that every adapter agrees.
 */
export function foldKeyName(name: string): string {
  return name.normalize('NFC').toLowerCase().replaceAll('ς', 'σ');
}

/**
 * The least string above every string that starts with `start`, by code point (the order of SQLite's BINARY collation
 * and of MongoDB's and FerretDB's string comparison: UTF-8 bytes): `start` with its last code point raised by one, so
 * that `{$gte: start, $lt: end}` is an index range holding exactly the strings that start with it. Null when there is
 * none (every code point U+10FFFF): no upper bound. `start + '\uffff'` would miss a name going on past U+FFFF (an emoji).
 */
export function prefixRangeEnd(start: string): string | null {
  const codePoints = [...start];
  while (codePoints.length > 0) {
    const last = codePoints.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return codePoints.join('') + String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1);
  }
  return null;
}

/** Whether a view is kept by the search, as the adapters' indexed queries keep it. */
export function matchesKeySearch(view: Pick<ApiKeyView, 'name' | 'prefix'>, search: KeySearch): boolean {
  if (search.prefix !== undefined && view.prefix !== search.prefix) return false;
  if (search.namePrefix !== undefined && (view.name === null || !foldedName(view, view.name).startsWith(search.namePrefix))) return false;
  return true;
}

/**
 * Each view's folded name, made the first time a search meets the view and dropped with it: the key table walks an
 * account's views for every search, and folding 10,000 names took 7 ms of the request thread a search (126 searches/s
 * with no match, against 2,431/s for ?prefix=, which folds nothing). A view is replaced, never changed, when its key
 * changes; the name is checked all the same.
 */
const FOLDED = new WeakMap<object, { name: string; folded: string }>();
function foldedName(view: object, name: string): string {
  const kept = FOLDED.get(view);
  if (kept !== undefined && kept.name === name) return kept.folded;
  const folded = foldKeyName(name);
  FOLDED.set(view, { name, folded });
  return folded;
}

/** Whether the query searches at all (the unfiltered listing skips every check). */
export const searches = (search: KeySearch): boolean => search.namePrefix !== undefined || search.prefix !== undefined;
