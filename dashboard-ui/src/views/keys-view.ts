import { links } from '../router.js';
import { el, focusHeading } from '../ui/dom.js';
import { createKeyForm } from './create-key-form.js';
import { KeyList } from './key-list.js';
import { keyStatusNamed } from './key-status-filter.js';
import { newKeyNotice } from './new-key-notice.js';
import { readOnlyNote } from './read-only-note.js';
import type { ViewContext } from './view-context.js';

/**
 * The home screen: create a key, see every key with its usage (all, or of the status the URL names), revoke one. Each
 * status chosen is a new history entry (Back shows the one before; the fragment changing draws the screen again).
 */
export function keysView(ctx: ViewContext, statusInUrl: string | null): HTMLElement {
  const status = keyStatusNamed(statusInUrl);
  // A status this list has not (a mistyped link) lists all keys, and the URL says so.
  if (statusInUrl !== null && status === undefined) history.replaceState(history.state, '', links.keysOf(undefined));
  const list = new KeyList(ctx, status, (chosen) => history.pushState(null, '', links.keysOf(chosen)));
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
    list.reload();
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
