import type { Alert } from '../api/api-types.js';
import { el, focusFirstNew, replaceChildren } from '../ui/dom.js';
import { mayRetry } from '../ui/describe-error.js';
import { showMoreButton, showPageFailure } from '../ui/show-more.js';
import { timeWithExact } from '../ui/time-element.js';
import { describeAlert } from './anomaly-rules.js';
import type { ViewContext } from './view-context.js';

/**
 * The alerts about one key, newest first, a page at a time ("Show more alerts about this key" follows has_more): until
 * 2026-12-07 the key's page showed the first 20 and nothing said there were more (a key with 40 alerts showed 20).
 */
export function keyAlerts(ctx: ViewContext, keyId: string): HTMLElement[] {
  const list = el('ul', { class: 'compact-list' });
  const footer = el('div', { class: 'list-footer' });
  const load = (startingAfter?: string) => {
    ctx.api.listAlerts({ keyId, startingAfter }).then(
      (page) => {
        const shown = list.childElementCount;
        list.append(...page.data.map(alertLine));
        if (startingAfter !== undefined) focusFirstNew(list.children[shown] as HTMLElement | undefined);
        if (list.childElementCount === 0) list.append(el('li', { class: 'muted', text: 'No alerts about this key.' }));
        const last = page.data.at(-1);
        if (!page.has_more || !last) return replaceChildren(footer);
        replaceChildren(footer, more(last.id));
      },
      (error: unknown) => showPageFailure(footer, ctx.fail(error), startingAfter !== undefined ? more(startingAfter) : mayRetry(error) ? again() : null),
    );
  };
  const again = () =>
    showMoreButton('Load the alerts about this key again', () => {
      ctx.status.clear();
      replaceChildren(footer, el('p', { class: 'muted', text: 'Loading alerts…' }));
      load();
    });
  const more = (startingAfter: string) =>
    showMoreButton('Show more alerts about this key', () => {
      ctx.status.clear();
      replaceChildren(footer, el('p', { class: 'muted', text: 'Loading alerts…' }));
      load(startingAfter);
    });
  load();
  return [list, footer];
}

function alertLine(alert: Alert): HTMLLIElement {
  return el('li', {}, el('strong', { text: describeAlert(alert).title }), ', detected ', timeWithExact(alert.detected_at));
}
