import type { Alert } from '../api/api-types.js';
import { el, focusFirstNew, replaceChildren } from '../ui/dom.js';
import { showMoreButton, showPageFailure } from '../ui/show-more.js';
import { alertCard } from './alert-card.js';
import { KeyDirectory } from './key-directory.js';
import type { ViewContext } from './view-context.js';

/** The account's alerts, newest first, each with a way to revoke the key concerned. */
export function alertsView(ctx: ViewContext): HTMLElement {
  let keys = new KeyDirectory(ctx);
  const list = el('ol', { class: 'alert-list' });
  const footer = el('div', { class: 'list-footer' });
  /** Counts loads, so a page asked for before a Refresh is not added to the list the Refresh started again. */
  let loads = 0;

  const load = (startingAfter?: string) => {
    const current = ++loads;
    replaceChildren(footer, el('p', { class: 'muted', text: 'Loading alerts…' }));
    ctx.api.listAlerts({ startingAfter }).then(
      (page) => {
        if (current !== loads) return;
        const shown = list.childElementCount;
        show(page.data, page.has_more);
        if (startingAfter !== undefined) focusFirstNew(list.children[shown] as HTMLElement | undefined);
      },
      (error: unknown) => {
        if (current !== loads) return;
        showPageFailure(footer, ctx.fail(error), startingAfter === undefined ? null : more(startingAfter));
      },
    );
  };
  const show = (alerts: Alert[], hasMore: boolean) => {
    for (const alert of alerts) list.append(alertCard(ctx, alert, keys));
    keys.lookUp();
    if (hasMore) {
      replaceChildren(footer, more(alerts.at(-1)?.id));
    } else {
      const none = 'No alerts: nothing unusual has been detected for this account.';
      replaceChildren(footer, list.childElementCount === 0 ? el('p', { class: 'muted', text: none }) : null);
    }
  };
  const more = (startingAfter: string | undefined) =>
    showMoreButton('Show more alerts', () => {
      ctx.status.clear();
      load(startingAfter);
    });
  const refresh = el('button', { class: 'button button--secondary', text: 'Refresh', attrs: { type: 'button' } });
  refresh.addEventListener('click', () => {
    ctx.status.clear();
    keys = new KeyDirectory(ctx);
    list.replaceChildren();
    load();
  });
  load();

  return el(
    'div',
    { class: 'view' },
    el('div', { class: 'view-header' }, el('h1', { attrs: { tabindex: -1 }, text: 'Alerts' }), refresh),
    el('p', { class: 'lead', text: 'Unusual activity the service found in the event log, newest first.' }),
    list,
    footer,
  );
}
