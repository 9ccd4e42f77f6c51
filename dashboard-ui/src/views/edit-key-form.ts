import { ApiError } from '../api/api-error.js';
import type { ApiKeyDetail, KeyChanges } from '../api/api-types.js';
import { confirmDialog } from '../ui/confirm-dialog.js';
import { el, uniqueId } from '../ui/dom.js';
import { ownKeyLosses } from './own-key-changes.js';
import { isSessionKey } from './revoke-key.js';
import type { ViewContext } from './view-context.js';

function textField(label: string, value: string, hint?: string, multiline = false): { input: HTMLInputElement | HTMLTextAreaElement; wrapper: HTMLElement } {
  const id = uniqueId('edit-field');
  const hintId = hint ? uniqueId('edit-hint') : undefined;
  const input = multiline
    ? el('textarea', { class: 'input', attrs: { id, rows: 3, 'aria-describedby': hintId } })
    : el('input', { class: 'input', attrs: { id, type: 'text', autocomplete: 'off', 'aria-describedby': hintId } });
  input.value = value;
  return {
    input,
    wrapper: el('div', { class: 'field' }, el('label', { class: 'label', attrs: { for: id }, text: label }), input, hint ? el('p', { class: 'hint', attrs: { id: hintId }, text: hint }) : null),
  };
}

const splitList = (text: string) => text.split(/[\s,]+/).map((item) => item.trim()).filter((item) => item !== '');
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * Edits a key with PATCH and the ETag it was read with: a key changed meanwhile (in another tab, by the CLI) is
 * not overwritten, the user is told to reload instead. Only the fields changed here are sent.
 */
export function editKeyForm(ctx: ViewContext, key: ApiKeyDetail, etag: string | null, onSaved: () => void, onCancel: () => void): HTMLElement {
  const headingId = uniqueId('edit-heading');
  const name = textField('Name', key.name ?? '', 'Empty removes the name.');
  const permissions = textField('Permissions', key.permissions.join(', '), 'Comma-separated, such as keys:read, parses:*; * for everything. A key can only grant what your key holds.');
  const addresses = textField('Allowed addresses', key.allowed_ips.join('\n'), 'One address or CIDR block per line (203.0.113.0/24, 2001:db8::/32); empty for anywhere.', true);
  const expires = textField('Expires at', key.expires_at ?? '', 'An RFC 3339 date-time such as 2027-01-01T00:00:00Z; empty for never.');
  const requests = textField('Requests allowed', String(key.rate_limit.requests));
  const perSeconds = textField('Window in seconds', String(key.rate_limit.per_seconds));
  const error = el('p', { class: 'form-error', attrs: { role: 'alert' } });
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
    if (newName !== key.name) changes.name = newName;
    const newPermissions = splitList(permissions.input.value);
    if (!sameList(newPermissions, key.permissions)) changes.permissions = newPermissions;
    const newAddresses = splitList(addresses.input.value);
    if (!sameList(newAddresses, key.allowed_ips)) changes.allowed_ips = newAddresses;
    const newExpiry = expires.input.value.trim() === '' ? null : expires.input.value.trim();
    if (newExpiry !== key.expires_at) changes.expires_at = newExpiry;
    const limit = { requests: Number(requests.input.value), per_seconds: Number(perSeconds.input.value) };
    if (limit.requests !== key.rate_limit.requests || limit.per_seconds !== key.rate_limit.per_seconds) changes.rate_limit = limit;
    error.textContent = '';
    const own = isSessionKey(ctx, key);
    const losses = own ? ownKeyLosses(key, changes) : null;
    if (losses) {
      const confirmed = await confirmDialog(
        { title: 'Change the key you are signed in with?', paragraphs: ['The changes take effect at once.'], warning: losses, confirmLabel: 'Save changes' },
        save,
      );
      if (!confirmed) return;
    }
    save.disabled = true;
    ctx.api
      .updateKey(key.id, changes, etag)
      .then((updated) => {
        ctx.status.say('Changes saved.');
        onSaved();
        // The tab's own key, as just changed: what it may do here may be different now.
        if (own) ctx.permissionsMayHaveChanged(updated.permissions);
      })
      .catch((failure: unknown) => {
        if (failure instanceof ApiError && failure.status === 412) {
          error.textContent = 'This key was changed by someone else since you opened it: nothing was saved. Reload the page to see the key as it is now.';
        } else if (failure instanceof ApiError && (failure.status === 400 || failure.status === 403 || failure.status === 409)) {
          error.textContent = failure.message;
          if (failure.status === 403) ctx.permissionsMayHaveChanged();
        } else {
          error.textContent = ctx.fail(failure);
        }
      })
      .finally(() => (save.disabled = false));
  });
  return el('section', { class: 'panel', attrs: { 'aria-labelledby': headingId } }, el('h2', { attrs: { id: headingId, tabindex: -1 }, text: 'Edit key' }), form);
}
