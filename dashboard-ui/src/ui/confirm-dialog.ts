import { el, uniqueId } from './dom.js';

export interface ConfirmOptions {
  title: string;
  paragraphs: string[];
  /** Shown in a warning box, for consequences the user may not expect. */
  warning?: string;
  confirmLabel: string;
}

/**
 * A modal <dialog>: the browser keeps focus inside it and Escape cancels. Cancel has the focus first,
 * so Enter alone never confirms. Focus goes back to `opener` afterwards when it is still on the page.
 */
export function confirmDialog(options: ConfirmOptions, opener: HTMLElement | null): Promise<boolean> {
  const titleId = uniqueId('dialog-title');
  const bodyId = uniqueId('dialog-body');
  const cancel = el('button', { class: 'button button--secondary', text: 'Cancel', attrs: { type: 'button', autofocus: true } });
  const confirm = el('button', { class: 'button button--danger', text: options.confirmLabel, attrs: { type: 'button' } });
  const dialog = el(
    'dialog',
    { class: 'dialog', attrs: { 'aria-labelledby': titleId, 'aria-describedby': bodyId } },
    el('h2', { attrs: { id: titleId }, text: options.title }),
    el('div', { attrs: { id: bodyId } }, ...options.paragraphs.map((text) => el('p', { text })),
      options.warning ? el('p', { class: 'warning', text: options.warning }) : null),
    el('div', { class: 'dialog__actions' }, cancel, confirm),
  );
  cancel.addEventListener('click', () => dialog.close('cancel'));
  confirm.addEventListener('click', () => dialog.close('confirm'));
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(dialog.returnValue === 'confirm');
    });
    dialog.showModal();
  });
}
