import type { Alert, ApiKey } from '../api/api-types.js';
import { el, replaceChildren } from '../ui/dom.js';
import { bidiControlsShown, count, exactTime, keyLabel, words } from '../ui/format.js';
import { exactTimeElement, timeWithExact } from '../ui/time-element.js';
import { links } from '../router.js';
import { describeAlert } from './anomaly-rules.js';
import { isLive, statusBadges } from './key-badges.js';
import type { KeyDirectory } from './key-directory.js';
import { revokeKey } from './revoke-key.js';
import type { ViewContext } from './view-context.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** One alert: what was seen, about which key, the rule's evidence, and what to do about that key. */
export function alertCard(ctx: ViewContext, alert: Alert, keys: KeyDirectory): HTMLLIElement {
  const rule = describeAlert(alert);
  const keyFact = el('dd', {}, alert.key_id ? el('span', { class: 'muted', text: 'Loading…' }) : (rule.noKey ?? 'None'));
  const actions = el('div', { class: 'actions' });
  const card = el(
    'li',
    { class: 'alert-card', attrs: { 'data-alert-id': alert.id, 'data-rule': alert.rule } },
    el('h2', { class: 'alert-card__title', text: rule.title }),
    el('p', { class: 'hint', text: rule.explanation }),
    el(
      'dl',
      { class: 'facts' },
      el('dt', { text: 'Key' }),
      keyFact,
      el('dt', { text: 'Detected' }),
      el('dd', {}, timeWithExact(alert.detected_at)),
      el('dt', { text: 'Window' }),
      el('dd', {}, exactTimeElement(alert.window_start), ' to ', exactTimeElement(alert.window_end)),
      ...(alert.ip ? [el('dt', { text: rule.addressLabel }), el('dd', {}, el('code', { text: alert.ip }))] : []),
      el('dt', { text: 'Rule' }),
      el('dd', {}, el('code', { text: alert.rule })),
    ),
    el('h3', { class: 'evidence-heading', text: 'Evidence' }),
    el('dl', { class: 'facts evidence' }, ...Object.entries(alert.evidence).flatMap(([name, value]) => [
      el('dt', { text: words(name) }),
      el('dd', {}, evidenceValue(value)),
    ])),
    actions,
  );

  if (alert.key_id) {
    keys.watch(alert.key_id, (key) => {
      if (!key) {
        const id = alert.key_id ?? '';
        replaceChildren(keyFact, el('a', { attrs: { href: links.key(id) } }, el('code', { text: id })));
        replaceChildren(actions, el('p', { class: 'muted', text: ctx.canWrite ? 'Open the key’s page to see it and revoke it.' : 'Open the key’s page to see it.' }));
        return;
      }
      replaceChildren(keyFact, el('a', { attrs: { href: links.key(key.id) }, text: keyLabel(key) }), ' ', ...statusBadges(key));
      replaceChildren(actions, rule.remedy === 'renew' ? renewAction(ctx, key) : revokeAction(ctx, key, keys));
    });
  }
  return card;
}

function revokeAction(ctx: ViewContext, key: ApiKey, keys: KeyDirectory): HTMLElement | null {
  if (key.status === 'revoked') return el('p', { class: 'muted', text: 'This key is revoked.' });
  if (!ctx.canWrite) return null;
  const button = el('button', {
    class: 'button button--danger',
    text: 'Revoke this key',
    attrs: { type: 'button', 'aria-label': `Revoke this key: ${keyLabel(key)}` },
  });
  button.addEventListener('click', async () => {
    const revoked = await revokeKey(ctx, key, button);
    if (!revoked) return;
    const card = button.closest('li');
    keys.changed(revoked);
    // The button went with the actions it was in, leaving the focus on the page's body: the card's key link takes it, as
    // the row's does in the key list.
    if (document.activeElement === document.body) card?.querySelector<HTMLElement>('dd a')?.focus();
  });
  return button;
}

/**
 * A key about to expire needs a later expiry, on its page; revoking it would end it sooner. Rolling it is no remedy:
 * its successor takes its expiry and stops at the same instant.
 */
function renewAction(ctx: ViewContext, key: ApiKey): HTMLElement {
  if (!isLive(key)) return el('p', { class: 'muted', text: `This key is ${key.status}.` });
  const text = ctx.canWrite ? 'Extend its expiry' : 'Open the key';
  return el('a', { class: 'button', attrs: { href: links.key(key.id), 'aria-label': `${text}: ${keyLabel(key)}` }, text });
}

/** A value of the evidence: a time as a <time> with its instant, as every other time on the page; anything else as text. */
function evidenceValue(value: unknown): Node | string {
  return typeof value === 'string' && ISO_TIME.test(value) ? exactTimeElement(value) : evidenceText(value);
}

function evidenceText(value: unknown): string {
  if (Array.isArray(value)) return value.map(evidenceText).join(', ');
  if (typeof value === 'number') return count(value);
  // A reported leak's URL, a path or a user agent may hold bidi controls: as codes, or they reverse what follows.
  if (typeof value === 'string') return ISO_TIME.test(value) ? exactTime(value) : bidiControlsShown(value);
  if (value === null || value === undefined) return '—';
  return bidiControlsShown(JSON.stringify(value));
}
