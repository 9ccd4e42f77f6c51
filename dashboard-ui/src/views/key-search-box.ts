import { el, uniqueId } from '../ui/dom.js';

/** What the list asks GET /v1/api-keys for: a key's display prefix (`prefix=`) or the start of names (`name_prefix=`). */
export type KeySearch = { prefix: string } | { name_prefix: string };

/** Typing settles this long before the list is asked again: one request for a word, not one per letter. */
export const SEARCH_DEBOUNCE_MS = 300;
const DISPLAY_PREFIX_LENGTH = 12;
/** A display prefix as listed or logged (sk_ and 9 letters or digits, then at most 10 more, or "…[redacted]"). */
const DISPLAY_PREFIX = /^sk_[0-9A-Za-z]{9}(?:[0-9A-Za-z]{0,10}|[0-9A-Za-z]{0,10}…\[redacted\])$/;
/** As the service's redaction sees a key: sk_ (any case, or sk-) and 20 letters or digits. Never sent. */
export const WHOLE_KEY = /sk[_-][0-9A-Za-z]{20}/i;
const ESCAPED = /(?:%[0-9A-Fa-f]{2})+/g;
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The text as a reader takes it in, as the service's redaction reads it (src/shared/domain/secret-redaction.ts):
 * percent-escapes decoded, compatibility forms (fullwidth ｓｋ＿…) made plain, invisible characters dropped. Until
 * 2026-12-07 a key pasted so went out as name_prefix=, in the request's URL.
 */
export function asRead(text: string): string {
  const decoded = text.replace(ESCAPED, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      return escapes;
    }
  });
  return decoded.normalize('NFKC').replace(INVISIBLE, '');
}

export type SearchReading = { search: KeySearch | undefined } | { refused: string };

/** The box's text as a search: empty for none; a whole key is refused here, so it never leaves the page. */
export function readKeySearch(text: string): SearchReading {
  const trimmed = text.trim();
  if (trimmed === '') return { search: undefined };
  if (WHOLE_KEY.test(asRead(trimmed))) {
    return { refused: `That looks like a whole API key: it was not sent. Search by its first ${DISPLAY_PREFIX_LENGTH} characters; if it may have leaked, revoke it.` };
  }
  if (DISPLAY_PREFIX.test(trimmed)) return { search: { prefix: trimmed.slice(0, DISPLAY_PREFIX_LENGTH) } };
  return { search: { name_prefix: trimmed } };
}

/** The text the box shows for a search. */
export const searchText = (search: KeySearch | undefined): string => (search === undefined ? '' : 'prefix' in search ? search.prefix : search.name_prefix);

/**
 * A labelled search box above the key list: the start of a name (any case), or a key's prefix as listed or logged
 * (sk_…), sent to the API once typing settles (SEARCH_DEBOUNCE_MS), Enter at once. `onSearch` gets what to send, or
 * the reason nothing was (a whole key), said under the box. `shown`: the search listed first (from the URL), and
 * `note` why the URL's was not (said under the box as a refusal is).
 */
export function keySearchBox(shown: KeySearch | undefined, note: string | undefined, onSearch: (search: KeySearch | undefined) => void): HTMLElement {
  const id = uniqueId('key-search');
  const hintId = uniqueId('key-search-hint');
  const errorId = uniqueId('key-search-error');
  const error = el('p', { class: 'form-error', attrs: { id: errorId, role: 'alert' } });
  const input = el('input', {
    class: 'input',
    attrs: { id, type: 'search', maxlength: 100, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${hintId} ${errorId}` },
  });
  input.value = searchText(shown);
  if (note !== undefined) error.textContent = note;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // What is listed already: the same text again is no new search (nor a new step of the history).
  let sent: string | undefined = JSON.stringify(shown ?? null);
  const send = () => {
    clearTimeout(timer);
    // The screen changed while typing settled (a link, Back): its search would write the URL of a screen not shown.
    if (!input.isConnected) return;
    const reading = readKeySearch(input.value);
    if ('refused' in reading) {
      error.textContent = reading.refused;
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    const key = JSON.stringify(reading.search ?? null);
    if (key === sent) return;
    sent = key;
    onSearch(reading.search);
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(send, SEARCH_DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') send();
  });
  return el(
    'div',
    { class: 'field key-search' },
    el('label', { class: 'label', attrs: { for: id }, text: 'Search keys' }),
    input,
    el('p', { class: 'hint muted', attrs: { id: hintId }, text: 'The start of a name, or a key’s prefix (sk_…) as listed or logged.' }),
    error,
  );
}

/** What an empty search says. */
export const noMatchText = (search: KeySearch): string =>
  'prefix' in search ? `No key has the prefix ${search.prefix}.` : `No key name starts with “${search.name_prefix}”.`;
