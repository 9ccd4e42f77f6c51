import { ApiError } from '../api/api-error.js';
import type { ApiKey, ChartedApiKey, Page } from '../api/api-types.js';
import { el, focusFirstNew, replaceChildren, uniqueId } from '../ui/dom.js';
import { showMoreButton, showPageFailure } from '../ui/show-more.js';
import { KEY_COLUMNS, keyRow } from './key-row.js';
import { type KeyStatus, keyStatusFilter, noKeysText } from './key-status-filter.js';
import { type KeySearch, keySearchBox, noMatchText } from './key-search-box.js';
import type { ViewContext } from './view-context.js';

/** What the list shows: all keys or those of one status, searched or not. */
export type ListedKeys = { status: KeyStatus | undefined; search: KeySearch | undefined };

/** The account's keys, newest first, a page at a time ("Show more keys" follows has_more), all or of one status. */
export class KeyList {
  readonly element: HTMLElement;
  private readonly body = el('tbody');
  private readonly footer = el('div', { class: 'list-footer' });
  /** Counts loads, so only the answer to the latest one is shown. */
  private loads = 0;
  /** The status shown (the API's `status=`, on every page), or all. */
  private status: KeyStatus | undefined;
  /** The status the rows in the table were listed by: another one's rows never stay under a failed change of it. */
  private rowsStatus: KeyStatus | undefined;
  /** The search shown (name_prefix= or prefix=, on every page), or none. */
  private search: KeySearch | undefined;
  /** The search the rows in the table were listed by, as the status. */
  private rowsSearch: KeySearch | undefined;

  /** `shown`: the status and search listed first (from the URL), with why the URL's search was not; `onChosen` is told of each status chosen and each search sent. */
  constructor(
    private readonly ctx: ViewContext,
    shown: ListedKeys & { note?: string } = { status: undefined, search: undefined },
    onChosen: (chosen: ListedKeys) => void = () => undefined,
  ) {
    this.status = shown.status;
    this.search = shown.search;
    const headingId = uniqueId('keys-heading');
    this.element = el(
      'section',
      { class: 'panel', attrs: { 'aria-labelledby': headingId } },
      el('h2', { attrs: { id: headingId }, text: 'Keys' }),
      el(
        'div',
        { class: 'field-row' },
        keySearchBox(shown.search, shown.note, (search) => {
          this.search = search;
          onChosen({ status: this.status, search });
          this.ctx.status.clear();
          this.reload({ announce: true });
        }),
        keyStatusFilter(shown.status, (chosen) => {
          this.status = chosen;
          onChosen({ status: chosen, search: this.search });
          this.ctx.status.clear();
          this.reload({ announce: true });
        }),
      ),
      el(
        'table',
        { class: 'key-table' },
        el('thead', {}, el('tr', {}, ...KEY_COLUMNS.map((name) => el('th', { attrs: { scope: 'col' }, text: name })))),
        this.body,
      ),
      this.footer,
    );
  }

  /**
   * Shows the first page again, as it is now; the rows shown stay until it arrives. `announce`: say in the status
   * region what was listed, for a reload the user asked for (a search, a status, Refresh) while the focus stays where
   * it was: the rows change out of sight of a screen reader, and until 2026-12-07 nothing said so, not even "No key
   * name starts with …" (WCAG 4.1.3).
   */
  reload({ announce = false } = {}): void {
    this.load(undefined, announce);
  }

  private load(startingAfter: string | undefined, announce = false): void {
    const load = ++this.loads;
    replaceChildren(this.footer, el('p', { class: 'muted', text: 'Loading keys…' }));
    this.page(startingAfter).then(
      (page) => {
        if (load !== this.loads) return;
        if (startingAfter === undefined) this.body.replaceChildren();
        this.rowsStatus = this.status;
        this.rowsSearch = this.search;
        const shown = this.body.childElementCount;
        this.show(page.data, page.has_more);
        if (announce) this.ctx.status.say(this.listedText(page.data.length, page.has_more));
        if (startingAfter !== undefined) focusFirstNew(this.body.children[shown]?.querySelector('a'));
      },
      (error: unknown) => {
        if (load !== this.loads) return;
        // The status changed and its keys could not be read: the rows of the previous one would pass for its keys.
        if (this.rowsStatus !== this.status || this.rowsSearch !== this.search) this.body.replaceChildren();
        showPageFailure(this.footer, this.ctx.fail(error), startingAfter === undefined ? null : this.moreButton(startingAfter));
      },
    );
  }

  /**
   * A page with its charts; when the usage views cannot be read (503, a read-model store outage) the keys alone,
   * which the listing serves from memory, with their charts said unavailable.
   */
  private page(startingAfter: string | undefined): Promise<Page<ApiKey | ChartedApiKey>> {
    return this.ctx.api
      .listChartedKeys(startingAfter, this.status, this.search)
      .catch((error: unknown) =>
        error instanceof ApiError && error.status === 503 ? this.ctx.api.listKeys(startingAfter, undefined, this.status, this.search) : Promise.reject(error),
      );
  }

  private moreButton(startingAfter: string): HTMLButtonElement {
    return showMoreButton('Show more keys', () => {
      this.ctx.status.clear();
      this.load(startingAfter);
    });
  }

  private listedText(listed: number, hasMore: boolean): string {
    if (listed === 0) return this.emptyText();
    const keys = listed === 1 ? '1 key' : `${listed} keys`;
    return hasMore ? `Listed ${keys}; “Show more keys” lists more.` : `Listed ${keys}.`;
  }

  private emptyText(): string {
    return this.search === undefined ? noKeysText(this.status) : noMatchText(this.search);
  }

  private show(keys: (ApiKey | ChartedApiKey)[], hasMore: boolean): void {
    for (const key of keys) this.body.append(keyRow(this.ctx, key));
    const last = keys.at(-1);
    if (hasMore && last) {
      replaceChildren(this.footer, this.moreButton(last.id));
    } else {
      replaceChildren(this.footer, this.body.childElementCount === 0 ? el('p', { class: 'muted', text: this.emptyText() }) : null);
    }
  }
}
