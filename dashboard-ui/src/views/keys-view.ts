import { type KeysQuery, links } from '../router.js';
import { el, focusHeading } from '../ui/dom.js';
import { createKeyForm } from './create-key-form.js';
import { KeyList } from './key-list.js';
import { searchText } from './key-search-box.js';
import { searchInUrl } from './key-search-in-url.js';
import { keyStatusNamed } from './key-status-filter.js';
import { newKeyNotice } from './new-key-notice.js';
import { readOnlyNote } from './read-only-note.js';
import type { ViewContext } from './view-context.js';

/**
 * The home screen: create a key, see every key with its usage (all, or of the status and search the URL names),
 * revoke one. Each status chosen and each search sent is a new history entry (Back shows the one before; the
 * fragment changing draws the screen again). `droppedNote`: why the URL lost its search before this screen was drawn.
 */
export function keysView(ctx: ViewContext, query: KeysQuery, droppedNote?: string): HTMLElement {
  const status = keyStatusNamed(query.status);
  const reading = searchInUrl(query);
  // A status this list has not (a mistyped link) lists all keys, a search the box would not send none, a search the
  // box reads shorter (a prefix as logged, `…[redacted]`) what it sends: the URL says what is listed.
  const searchChanged = reading.note !== undefined || (reading.search !== undefined && searchText(reading.search) !== (query.prefix ?? query.name_prefix));
  if ((query.status !== null && status === undefined) || searchChanged) {
    history.replaceState(history.state, '', links.keysOf(status, reading.search));
  }
  const list = new KeyList(ctx, { status, search: reading.search, note: droppedNote ?? reading.note }, (chosen) =>
    history.pushState(null, '', links.keysOf(chosen.status, chosen.search)),
  );
  const noticeSlot = el('div');
  const refresh = el('button', { class: 'button button--secondary', text: 'Refresh', attrs: { type: 'button' } });
  const form = createKeyForm(ctx, (created) => {
    const notice = newKeyNotice(ctx, created, () => form.querySelector('input')?.focus());
    // Newest first, beside any key still shown: each stays until its own "hide" (it is the only copy).
    noticeSlot.prepend(notice);
    focusHeading(notice);
    list.reload();
  });
  refresh.addEventListener('click', () => {
    ctx.status.clear();
    list.reload({ announce: true });
  });
  list.reload();
  return el(
    'div',
    { class: 'view' },
    el('div', { class: 'view-header' }, el('h1', { attrs: { tabindex: -1 }, text: 'API keys' }), refresh),
    noticeSlot,
    ctx.canWrite ? form : el('section', { class: 'panel' }, readOnlyNote()),
    list.element,
  );
}
