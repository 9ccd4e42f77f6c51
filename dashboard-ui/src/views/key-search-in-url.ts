import type { KeysQuery } from '../router.js';
import { asRead, type KeySearch, readKeySearch, WHOLE_KEY } from './key-search-box.js';

/** The API's bound on name_prefix= (code points; no name is longer) and the characters it refuses. */
const NAME_PREFIX_MAX = 100;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Said under the box when a link's search was not listed. Never repeats the value. */
export const URL_WHOLE_KEY_NOTE =
  'The link held what looks like a whole API key: it was removed from the address and not sent. If it may have leaked, revoke it.';
export const URL_INVALID_NOTE = 'The link’s search was not one this box sends (the start of a name, or a key’s prefix as listed): it was not sent.';

export type UrlSearchReading = { search: KeySearch | undefined; note?: string };

/**
 * The search a link names (`name_prefix=` or `prefix=`), taken only as the box would send the same text under that
 * name: anything else (both at once, empty, too long, a control character, a name_prefix the box would take as a
 * prefix) is no search, with a note; a whole key is never read as one.
 */
export function searchInUrl(query: KeysQuery): UrlSearchReading {
  const { name_prefix: name, prefix } = query;
  if (name === null && prefix === null) return { search: undefined };
  if ([name, prefix].some((value) => value !== null && holdsWholeKey(value))) return { search: undefined, note: URL_WHOLE_KEY_NOTE };
  if (name !== null && prefix !== null) return { search: undefined, note: URL_INVALID_NOTE };
  const text = (name ?? prefix) as string;
  const reading = readKeySearch(text);
  if (!('search' in reading) || reading.search === undefined) return { search: undefined, note: URL_INVALID_NOTE };
  const search = reading.search;
  if (name !== null && 'name_prefix' in search && [...search.name_prefix].length <= NAME_PREFIX_MAX && !CONTROL.test(search.name_prefix)) return { search };
  if (prefix !== null && 'prefix' in search) return { search };
  return { search: undefined, note: URL_INVALID_NOTE };
}

/** A whole key in any spelling a link may carry it: percent-escaped (again), fullwidth, an invisible character inside. */
export function holdsWholeKey(text: string): boolean {
  let seen = text;
  for (let i = 0; i < 3; i++) {
    if (WHOLE_KEY.test(seen) || WHOLE_KEY.test(asRead(seen))) return true;
    const decoded = decodeOnce(seen);
    if (decoded === seen) return false;
    seen = decoded;
  }
  return false;
}

function decodeOnce(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
