import { ApiClient } from '../api/api-client.js';
import { ApiError } from '../api/api-error.js';
import { el } from '../ui/dom.js';
import { describeError, lostAccess } from '../ui/describe-error.js';

const KEY_FORMAT = /^sk_[0-9A-Za-z]{38}$/;

/** Sign in by pasting a key; it is checked with one call (GET /v1/whoami) before it is kept for the tab, with what it may do. */
export function signInView(signal: AbortSignal, onSignedIn: (key: string, permissions: string[]) => void): HTMLElement {
  const input = el('input', {
    class: 'input input--key',
    attrs: {
      id: 'sign-in-key',
      type: 'password',
      autocomplete: 'off',
      spellcheck: 'false',
      required: true,
      'aria-describedby': 'sign-in-help sign-in-error',
    },
  });
  const error = el('p', { class: 'form-error', attrs: { id: 'sign-in-error', role: 'alert' } });
  const submit = el('button', { class: 'button button--primary', text: 'Sign in', attrs: { type: 'submit' } });
  const form = el(
    'form',
    { class: 'sign-in-form', attrs: { novalidate: true } },
    el('label', { class: 'label', attrs: { for: 'sign-in-key' }, text: 'API key' }),
    input,
    el('p', {
      class: 'hint',
      attrs: { id: 'sign-in-help' },
      text: 'Paste a key of your account (sk_…, 41 characters). It is kept for this browser tab only, and forgotten when you close the tab or sign out.',
    }),
    error,
    el('div', { class: 'actions' }, submit),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!KEY_FORMAT.test(key)) {
      error.textContent = 'That is not an API key: keys start with sk_ and are 41 characters long.';
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    submit.disabled = true;
    new ApiClient(key, signal)
      .whoami()
      .then((own) => onSignedIn(key, own.permissions))
      .catch((failure: unknown) => {
        if (signal.aborted) return;
        error.textContent =
          failure instanceof ApiError && failure.status === 401
            ? 'That key was not accepted: it is unknown, revoked, disabled, expired or mistyped.'
            : lostAccess(failure)
              ? // Not signed in yet: nothing to sign out of, and it never could be used here.
                `${(failure as ApiError).message} The dashboard needs a key that holds keys:read and may be used from here: sign in with another key.`
              : describeError(failure);
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      })
      .finally(() => (submit.disabled = false));
  });

  return el(
    'div',
    { class: 'view view--narrow' },
    el('h1', { attrs: { tabindex: -1 }, text: 'Sign in' }),
    el('p', { class: 'lead', text: 'Manage your ParseSphere API keys: create and revoke them, watch their usage and alerts.' }),
    el('section', { class: 'panel' }, form),
  );
}
