import { el, focusHeading } from '../ui/dom.js';
import { createKeyForm } from './create-key-form.js';
import { KeyList } from './key-list.js';
import { newKeyNotice } from './new-key-notice.js';
import { readOnlyNote } from './read-only-note.js';
import type { ViewContext } from './view-context.js';

/** The home screen: create a key, see every key with its usage, revoke one. */
export function keysView(ctx: ViewContext): HTMLElement {
  const list = new KeyList(ctx);
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
