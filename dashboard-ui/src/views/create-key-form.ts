import { ApiError } from '../api/api-error.js';
import type { CreatedApiKey, NewKeyRequest } from '../api/api-types.js';
import { el, uniqueId } from '../ui/dom.js';
import { keyLabel } from '../ui/format.js';
import type { ViewContext } from './view-context.js';

const MAX_NAME_LENGTH = 100;
const REQUESTS = { min: 1, max: 1_000_000 };
const PER_SECONDS = { min: 1, max: 86_400 };

interface Field {
  input: HTMLInputElement;
  wrapper: HTMLElement;
}

function field(label: string, attrs: Record<string, string | number | boolean>): Field {
  const id = uniqueId('field');
  const input = el('input', { class: 'input', attrs: { id, autocomplete: 'off', ...attrs } });
  return { input, wrapper: el('div', { class: 'field' }, el('label', { class: 'label', attrs: { for: id }, text: label }), input) };
}

/** Name and optional rate limit; checked here first so the usual mistakes get an answer without a request. */
export function createKeyForm(ctx: ViewContext, onCreated: (created: CreatedApiKey) => void): HTMLElement {
  const headingId = uniqueId('create-heading');
  const errorId = uniqueId('create-error');
  const limitHintId = uniqueId('limit-hint');
  // No maxlength: the browser counts it in UTF-16 units, and would cut 100 emoji, which the API accepts, to 50.
  const name = field('Name', { type: 'text', required: true, 'aria-describedby': errorId });
  // The error too: a field marked invalid and focused must say why, not only the hint.
  const limitDescription = `${limitHintId} ${errorId}`;
  const requests = field('Requests allowed', { type: 'number', inputmode: 'numeric', min: REQUESTS.min, max: REQUESTS.max, step: 1, 'aria-describedby': limitDescription });
  const perSeconds = field('Window in seconds', { type: 'number', inputmode: 'numeric', min: PER_SECONDS.min, max: PER_SECONDS.max, step: 1, 'aria-describedby': limitDescription });
  // Focusable: a refusal from the API takes the focus there, since the submit button, disabled meanwhile, lost it.
  const error = el('p', { class: 'form-error', attrs: { id: errorId, role: 'alert', tabindex: -1 } });
  const submit = el('button', { class: 'button button--primary', text: 'Create key', attrs: { type: 'submit' } });
  const form = el(
    'form',
    { class: 'create-form', attrs: { novalidate: true, 'aria-labelledby': headingId } },
    el(
      'div',
      { class: 'create-form__fields' },
      name.wrapper,
      el(
        'fieldset',
        { class: 'fieldset' },
        el('legend', { text: 'Rate limit (optional)' }),
        el('p', { class: 'hint', attrs: { id: limitHintId }, text: 'Leave both empty for the service’s default limit (or your key’s own, when the default is above it).' }),
        el('div', { class: 'field-row' }, requests.wrapper, perSeconds.wrapper),
      ),
    ),
    error,
    el('div', { class: 'actions' }, submit),
  );

  const showError = (message: string, input: HTMLInputElement | null) => {
    error.textContent = message;
    for (const f of [name, requests, perSeconds]) f.input.removeAttribute('aria-invalid');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const reading = readRequest(name.input, requests.input, perSeconds.input);
    if ('problem' in reading) {
      showError(reading.problem, reading.input);
      return;
    }
    showError('', null);
    submit.disabled = true;
    ctx.api
      .createKey(reading.request)
      .then((created) => {
        form.reset();
        ctx.status.say(`Created ${keyLabel(created)}: copy the key now, it is shown once.`);
        onCreated(created);
      })
      .catch((failure: unknown) => {
        if (failure instanceof ApiError && (failure.status === 400 || failure.status === 403)) showError(failure.message, null);
        else showError(ctx.fail(failure), null);
        if (error.textContent && error.isConnected) error.focus();
        // Refused for a permission: the key may have lost keys:write since the screen was drawn.
        if (failure instanceof ApiError && failure.status === 403) ctx.permissionsMayHaveChanged();
      })
      .finally(() => (submit.disabled = false));
  });

  return el(
    'section',
    { class: 'panel', attrs: { 'aria-labelledby': headingId } },
    el('h2', { attrs: { id: headingId }, text: 'Create a key' }),
    form,
  );
}

type Reading = { request: NewKeyRequest } | { problem: string; input: HTMLInputElement };

function readRequest(name: HTMLInputElement, requests: HTMLInputElement, perSeconds: HTMLInputElement): Reading {
  const trimmed = name.value.trim();
  if (!trimmed) return { problem: 'Give the key a name, so you can tell it apart later.', input: name };
  // The API's count: code points after NFC (docs/api.md, Key names).
  if ([...trimmed.normalize('NFC')].length > MAX_NAME_LENGTH) return { problem: `The name can have at most ${MAX_NAME_LENGTH} characters.`, input: name };
  if (!filledIn(requests) && !filledIn(perSeconds)) return { request: { name: trimmed } };
  if (!inRange(requests, REQUESTS)) {
    return { problem: `Requests allowed must be a whole number from ${REQUESTS.min} to ${REQUESTS.max.toLocaleString()}.`, input: requests };
  }
  if (!inRange(perSeconds, PER_SECONDS)) {
    return { problem: `The window must be a whole number of seconds from ${PER_SECONDS.min} to ${PER_SECONDS.max.toLocaleString()}.`, input: perSeconds };
  }
  return { request: { name: trimmed, rate_limit: { requests: Number(requests.value), per_seconds: Number(perSeconds.value) } } };
}

/** A number field with text the browser could not read as a number has an empty value but is not empty. */
const filledIn = (input: HTMLInputElement) => input.value !== '' || input.validity.badInput;

function inRange(input: HTMLInputElement, bounds: { min: number; max: number }): boolean {
  const value = input.value === '' ? Number.NaN : Number(input.value);
  return Number.isInteger(value) && value >= bounds.min && value <= bounds.max;
}
