import type { ApiKey, RolledApiKey } from '../api/api-types.js';
import { el, uniqueId } from '../ui/dom.js';
import { keyLabel } from '../ui/format.js';
import { isSessionKey } from './revoke-key.js';
import type { ViewContext } from './view-context.js';

const GRACE_CHOICES: [string, number][] = [
  ['Now: the old key stops at once', 0],
  ['In 1 hour', 3_600],
  ['In 1 day', 86_400],
  ['In 7 days', 604_800],
];

/**
 * Asks how long the old key keeps working (and whether to retire it once unused), then rolls it. Resolves to
 * the roll's answer, whose new key the caller shows once, or null when cancelled; a refusal is thrown to the
 * caller. Rolling the tab's own key signs the tab in with the new one, which the caller then shows like any other.
 */
export function rollKey(ctx: ViewContext, key: ApiKey, opener: HTMLElement): Promise<RolledApiKey | null> {
  const own = isSessionKey(ctx, key);
  const titleId = uniqueId('dialog-title');
  const bodyId = uniqueId('dialog-body');
  const graceId = uniqueId('grace');
  const idleId = uniqueId('idle');
  const grace = el('select', { class: 'input', attrs: { id: graceId } }, ...GRACE_CHOICES.map(([label, seconds]) => el('option', { attrs: { value: seconds }, text: label })));
  grace.value = '86400';
  const idle = el('input', { attrs: { id: idleId, type: 'checkbox' } });
  const cancel = el('button', { class: 'button button--secondary', text: 'Cancel', attrs: { type: 'button', autofocus: true } });
  const confirm = el('button', { class: 'button button--danger', text: 'Roll key', attrs: { type: 'button' } });
  const dialog = el(
    'dialog',
    // Described by what rolling does and the warning, as the confirmation dialogs are: the focus starts on Cancel, so a
    // screen reader says the dialog's name and description, not the paragraphs between them.
    { class: 'dialog', attrs: { 'aria-labelledby': titleId, 'aria-describedby': bodyId } },
    el('h2', { attrs: { id: titleId }, text: `Roll ${keyLabel(key)}?` }),
    el(
      'div',
      { attrs: { id: bodyId } },
      el('p', { text: 'A new key with the same name, limits, permissions, addresses and expiry is created and shown once. The old key keeps working until the time you choose, then it expires.' }),
      own
        ? el('p', {
            class: 'warning',
            text: 'This is the key you are signed in with: this tab switches to the new key, which you copy once as usual. Anything else still using the old key is refused from the time you choose (with “Now”, at once).',
          })
        : null,
    ),
    el('div', { class: 'field' }, el('label', { class: 'label', attrs: { for: graceId }, text: 'The old key stops' }), grace),
    el('div', { class: 'field' }, idle, ' ', el('label', { attrs: { for: idleId }, text: 'Retire the old key sooner, once it has gone unused for 10 minutes' })),
    el('div', { class: 'dialog__actions' }, cancel, confirm),
  );
  cancel.addEventListener('click', () => dialog.close('cancel'));
  confirm.addEventListener('click', () => dialog.close('confirm'));
  document.body.append(dialog);
  return new Promise<boolean>((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener.isConnected) opener.focus();
      resolve(dialog.returnValue === 'confirm');
    });
    dialog.showModal();
  }).then(async (confirmed) => {
    if (!confirmed) return null;
    const rolled = await ctx.api.rollKey(key.id, Number(grace.value), idle.checked ? 600 : null);
    if (own) ctx.switchKey(rolled.key);
    ctx.status.say(own ? `Rolled ${keyLabel(key)}: this tab now uses the new key. Copy it now: it is shown once.` : `Rolled ${keyLabel(key)}: copy the new key now.`);
    return rolled;
  });
}
