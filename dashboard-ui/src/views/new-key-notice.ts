import type { CreatedApiKey } from '../api/api-types.js';
import { el, focusHeading, uniqueId } from '../ui/dom.js';
import { ONE_TIME_SECRET } from '../ui/one-time-secret.js';
import type { ViewContext } from './view-context.js';

/**
 * The one time a full key is on screen: a read-only field, a copy button and a plain warning. Dismissing
 * it removes the field and its value from the page. `title` names it (by default "Key … created").
 */
export function newKeyNotice(ctx: ViewContext, created: CreatedApiKey, onDismissed: () => void, title?: string): HTMLElement {
  const headingId = uniqueId('new-key-heading');
  const fieldId = uniqueId('new-key-value');
  const field = el('input', {
    class: 'input input--key',
    attrs: { id: fieldId, type: 'text', readonly: true, autocomplete: 'off', spellcheck: 'false' },
  });
  field.value = created.key;
  const copy = el('button', { class: 'button button--primary', text: 'Copy key', attrs: { type: 'button' } });
  const dismiss = el('button', { class: 'button button--secondary', text: 'I have stored it: hide the key', attrs: { type: 'button' } });
  const heading = el('h2', { attrs: { id: headingId, tabindex: -1 }, text: title ?? (created.name ? `Key “${created.name}” created` : 'Key created') });
  const notice = el(
    'section',
    { class: 'notice', attrs: { 'aria-labelledby': headingId, [ONE_TIME_SECRET]: true } },
    heading,
    el(
      'p',
      { class: 'warning' },
      el('strong', { text: 'Copy this key now: it cannot be shown again.' }),
      ' Neither this page nor the API will ever show the full key again. If you lose it, create a new key and revoke this one.',
    ),
    el('label', { class: 'label', attrs: { for: fieldId }, text: 'Your new API key' }),
    el('div', { class: 'copy-row' }, field, copy),
    el('div', { class: 'actions' }, dismiss),
  );
  copy.addEventListener('click', () => {
    // Browsers give a page the clipboard only in a secure context (HTTPS, localhost): on plain HTTP elsewhere it is undefined.
    const copied = navigator.clipboard ? navigator.clipboard.writeText(field.value) : Promise.reject(new Error('No clipboard here.'));
    copied.then(
      () => ctx.status.say('The key is in your clipboard.'),
      () => {
        field.focus();
        field.select();
        ctx.status.say('Could not copy automatically: the key is selected, copy it with your keyboard (Ctrl+C, or ⌘C on a Mac).');
      },
    );
  });
  dismiss.addEventListener('click', () => {
    const main = notice.closest('main');
    field.value = '';
    notice.remove();
    ctx.status.say('The full key has been removed from this page.');
    onDismissed();
    // Shown again after a sign-out, the notice outlives the screen its callback knows: focus the screen there is.
    if (main && !main.contains(document.activeElement)) focusHeading(main);
  });
  return notice;
}
