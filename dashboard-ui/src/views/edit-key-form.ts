import { ApiError } from '../api/api-error.js';
import type { ApiKeyDetail, KeyChanges } from '../api/api-types.js';
import { confirmDialog } from '../ui/confirm-dialog.js';
import { el, uniqueId } from '../ui/dom.js';
import { type ComparedField, isConflict, showConflict } from './edit-conflict.js';
import { ownKeyLosses } from './own-key-changes.js';
import { isSessionKey } from './revoke-key.js';
import type { ViewContext } from './view-context.js';

interface TextField extends ComparedField {
  input: HTMLInputElement | HTMLTextAreaElement;
  wrapper: HTMLElement;
}

/** A labelled field showing `valueOf(key)`, with its hint and, below, a note for the key's current value after a conflict. */
function textField(key: ApiKeyDetail, label: string, valueOf: (key: ApiKeyDetail) => string, hint?: string, multiline = false): TextField {
  const id = uniqueId('edit-field');
  const hintId = hint ? uniqueId('edit-hint') : undefined;
  const noteId = uniqueId('edit-note');
  const describedBy = [hintId, noteId].filter(Boolean).join(' ');
  const input = multiline
    ? el('textarea', { class: 'input', attrs: { id, rows: 3, 'aria-describedby': describedBy } })
    : el('input', { class: 'input', attrs: { id, type: 'text', autocomplete: 'off', 'aria-describedby': describedBy } });
  input.value = valueOf(key);
  const note = el('p', { class: 'hint field-note', attrs: { id: noteId } });
  return {
    label,
    valueOf,
    note,
    input,
    wrapper: el(
      'div',
      { class: 'field' },
      el('label', { class: 'label', attrs: { for: id }, text: label }),
      input,
      hint ? el('p', { class: 'hint', attrs: { id: hintId }, text: hint }) : null,
      note,
    ),
  };
}

const splitList = (text: string) => text.split(/[\s,]+/).map((item) => item.trim()).filter((item) => item !== '');
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * Edits a key with PATCH and the ETag it was read with: a key changed meanwhile (in another tab, by the CLI) is
 * not overwritten; the form says so and offers the key's current values beside what was typed (edit-conflict.ts).
 * Only the fields changed here, from the key as last read, are sent.
 */
export function editKeyForm(ctx: ViewContext, key: ApiKeyDetail, etag: string | null, onSaved: () => void, onCancel: () => void): HTMLElement {
  let base = key;
  let version = etag;
  const headingId = uniqueId('edit-heading');
  const name = textField(key, 'Name', (k) => k.name ?? '', 'Empty removes the name.');
  const permissions = textField(key, 'Permissions', (k) => k.permissions.join(', '), 'Comma-separated, such as keys:read, parses:*; * for everything. A key can only grant what your key holds.');
  const addresses = textField(key, 'Allowed addresses', (k) => k.allowed_ips.join('\n'), 'One address or CIDR block per line (203.0.113.0/24, 2001:db8::/32); empty for anywhere.', true);
  const expires = textField(key, 'Expires at', (k) => k.expires_at ?? '', 'An RFC 3339 date-time such as 2027-01-01T00:00:00Z; empty for never.');
  const requests = textField(key, 'Requests allowed', (k) => String(k.rate_limit.requests));
  const perSeconds = textField(key, 'Window in seconds', (k) => String(k.rate_limit.per_seconds));
  const fields = [name, permissions, addresses, expires, requests, perSeconds];
  const error = el('div', { class: 'form-error', attrs: { role: 'alert', tabindex: -1 } });
  const save = el('button', { class: 'button button--primary', text: 'Save changes', attrs: { type: 'submit' } });
  const cancel = el('button', { class: 'button button--secondary', text: 'Cancel', attrs: { type: 'button' } });
  const form = el(
    'form',
    { class: 'create-form', attrs: { novalidate: true, 'aria-labelledby': headingId } },
    el('div', { class: 'create-form__fields' }, name.wrapper, permissions.wrapper, addresses.wrapper, expires.wrapper, el('div', { class: 'field-row' }, requests.wrapper, perSeconds.wrapper)),
    error,
    el('div', { class: 'actions' }, save, cancel),
  );
  cancel.addEventListener('click', onCancel);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const changes: KeyChanges = {};
    const newName = name.input.value.trim() === '' ? null : name.input.value.trim();
    if (newName !== base.name) changes.name = newName;
    const newPermissions = splitList(permissions.input.value);
    if (!sameList(newPermissions, base.permissions)) changes.permissions = newPermissions;
    const newAddresses = splitList(addresses.input.value);
    if (!sameList(newAddresses, base.allowed_ips)) changes.allowed_ips = newAddresses;
    const newExpiry = expires.input.value.trim() === '' ? null : expires.input.value.trim();
    if (newExpiry !== base.expires_at) changes.expires_at = newExpiry;
    const limit = { requests: Number(requests.input.value), per_seconds: Number(perSeconds.input.value) };
    if (limit.requests !== base.rate_limit.requests || limit.per_seconds !== base.rate_limit.per_seconds) changes.rate_limit = limit;
    error.textContent = '';
    const own = isSessionKey(ctx, base);
    const losses = own ? ownKeyLosses(base, changes) : null;
    if (losses) {
      const confirmed = await confirmDialog(
        { title: 'Change the key you are signed in with?', paragraphs: ['The changes take effect at once.'], warning: losses, confirmLabel: 'Save changes' },
        save,
      );
      if (!confirmed) return;
    }
    // A status from before (an earlier save's "Changes saved.") would contradict what this save's answer says in the form.
    ctx.status.clear();
    save.disabled = true;
    ctx.api
      .updateKey(base.id, changes, version)
      .then((updated) => {
        ctx.status.say('Changes saved.');
        onSaved();
        // The tab's own key, as just changed: what it may do here may be different now.
        if (own) ctx.permissionsMayHaveChanged(updated.permissions);
      })
      .catch((failure: unknown) => {
        if (isConflict(failure)) {
          const reloaded = (current: ApiKeyDetail, currentVersion: string | null) => {
            base = current;
            version = currentVersion;
          };
          showConflict(error, failure, () => base, fields, () => ctx.api.getKeyVersion(base.id), reloaded, onCancel);
        } else if (failure instanceof ApiError && (failure.status === 400 || failure.status === 403)) {
          error.textContent = failure.message;
          if (failure.status === 403) ctx.permissionsMayHaveChanged();
        } else {
          error.textContent = ctx.fail(failure);
        }
        // Save, disabled while the request ran, lost the focus to the page's body: the answer takes it, as a conflict's does.
        if (!isConflict(failure) && error.textContent && error.isConnected) error.focus();
      })
      .finally(() => (save.disabled = false));
  });
  return el('section', { class: 'panel', attrs: { 'aria-labelledby': headingId } }, el('h2', { attrs: { id: headingId, tabindex: -1 }, text: 'Edit key' }), form);
}
