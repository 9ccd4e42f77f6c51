import { ApiError } from '../api/api-error.js';
import type { ApiKeyDetail } from '../api/api-types.js';
import { el, replaceChildren } from '../ui/dom.js';

/** A save refused because the key is no longer what the form was opened on: a stale If-Match (412) or a conflict (409). */
export function isConflict(failure: unknown): failure is ApiError {
  return failure instanceof ApiError && (failure.status === 412 || failure.status === 409);
}

/** One field of the edit form as the conflict needs it: its value for a key, what was typed, and where to say the key's current value. */
export interface ComparedField {
  label: string;
  valueOf(key: ApiKeyDetail): string;
  input: HTMLInputElement | HTMLTextAreaElement;
  note: HTMLElement;
}

/**
 * Says, where the form says its errors (role=alert, and focused), that nothing was saved and why; then offers the key's
 * current values. A field changed elsewhere takes the current value unless it was edited here too: then what was typed
 * stays and the current value is said under it. `reloaded` gets the key as it is now and its ETag, for the next Save
 * (which sends only what differs from it); a key that can no longer be changed offers `leave` instead.
 */
export function showConflict(
  box: HTMLElement,
  failure: ApiError,
  opened: () => ApiKeyDetail,
  fields: readonly ComparedField[],
  load: () => Promise<{ key: ApiKeyDetail; etag: string | null }>,
  reloaded: (key: ApiKeyDetail, etag: string | null) => void,
  leave: () => void,
): void {
  const what =
    failure.status === 412
      ? 'this key was changed elsewhere (in another tab, by someone else or with the CLI) after you opened this form, and saving would have overwritten that change.'
      : `${failure.message} It may have been changed elsewhere after you opened this form.`;
  const reload = button('Show the current values');
  say(box, `Nothing was saved: ${what} What you typed is still in the form.`, reload);
  reload.addEventListener('click', () => {
    reload.disabled = true;
    load().then(
      ({ key, etag }) => {
        if (key.status === 'revoked' || key.status === 'expired') {
          const back = button('Show the key');
          back.addEventListener('click', leave);
          say(box, `This key is ${key.status} now: it can no longer be changed, so your edits cannot be saved.`, back);
          return;
        }
        const before = opened();
        const taken: string[] = [];
        const kept: string[] = [];
        for (const field of fields) {
          const current = field.valueOf(key);
          const elsewhere = current !== field.valueOf(before);
          const typed = field.input.value !== field.valueOf(before);
          if (elsewhere && !typed) field.input.value = current;
          field.note.textContent = elsewhere && typed ? `Changed elsewhere too, now: ${shown(current)}. Yours is kept.` : elsewhere ? 'Changed elsewhere: the current value.' : '';
          if (elsewhere) (typed ? kept : taken).push(field.label);
        }
        reloaded(key, etag);
        say(box, reloadedMessage(taken, kept));
      },
      (error: unknown) => {
        reload.disabled = false;
        say(box, `The key's current values could not be read: ${error instanceof Error ? error.message : String(error)}`, reload);
      },
    );
  });
}

function say(box: HTMLElement, message: string, action?: HTMLButtonElement): void {
  replaceChildren(box, el('span', { text: message }), ...(action ? [' ', action] : []));
  box.focus();
}

function button(text: string): HTMLButtonElement {
  return el('button', { class: 'button button--secondary', text, attrs: { type: 'button' } });
}

function reloadedMessage(taken: string[], kept: string[]): string {
  if (taken.length === 0 && kept.length === 0) return 'The change made elsewhere touched none of these fields (a disable or enable, say): the form is as you left it. Save changes applies it now.';
  const parts = [
    ...(taken.length > 0 ? [`now shows the key's current ${list(taken)}, changed elsewhere`] : []),
    ...(kept.length > 0 ? [`keeps your ${list(kept)}, changed elsewhere too (the current value is under the field)`] : []),
  ];
  return `The form ${parts.join(', and ')}. Save changes applies it to the key as it is now.`;
}

const list = (labels: string[]) => labels.map((label) => label.toLowerCase()).join(', ');

const shown = (value: string) => (value.trim() === '' ? '(empty)' : value.replace(/\n/g, ', '));
