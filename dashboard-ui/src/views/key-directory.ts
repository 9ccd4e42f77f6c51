import type { ApiKey } from '../api/api-types.js';
import type { ViewContext } from './view-context.js';

type Listener = (key: ApiKey | null) => void;

/** The listing's largest page: the keys one request can name. */
const LISTING_PAGE_SIZE = 100;

/**
 * The keys a screen of alerts names, read from the account's listing, newest first, a page of 100 at a time: one
 * GET per key made a screen of 20 alerts 21 requests, the pattern that made the dashboard's own browsing look like a
 * rate_spike of the signed-in key in the key list. Each page of alerts reads at most one more listing page, and
 * only while a key it names is not found yet, so the requests stay bounded whatever the alerts; a key older than the
 * pages read is told null (shown by its id, linked to its page). Every card about a key watches it, so a
 * revocation made from one card shows on all of them.
 */
export class KeyDirectory {
  private readonly known = new Map<string, ApiKey>();
  private readonly listeners = new Map<string, Listener[]>();
  private listing: { after: string | undefined; more: boolean } = { after: undefined, more: true };
  /** Lookups one after the other, so two pages of alerts never read the same listing page. */
  private lookups: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: ViewContext) {}

  /** Calls `listener` with the key once known, with null while it is not found, and again after each change. */
  watch(id: string, listener: Listener): void {
    this.listeners.set(id, [...(this.listeners.get(id) ?? []), listener]);
    const key = this.known.get(id);
    if (key) listener(key);
  }

  /** Looks the keys watched but not known yet up in the next listing page (one request at most), after the lookups before. */
  lookUp(): void {
    this.lookups = this.lookups.then(() => this.readNextPage());
  }

  changed(key: ApiKey): void {
    this.known.set(key.id, key);
    for (const listener of this.listeners.get(key.id) ?? []) listener(key);
  }

  private async readNextPage(): Promise<void> {
    const wanted = [...this.listeners.keys()].filter((id) => !this.known.has(id));
    if (wanted.length === 0) return;
    if (this.listing.more) {
      try {
        const page = await this.ctx.api.listKeys(this.listing.after, LISTING_PAGE_SIZE);
        for (const key of page.data) this.known.set(key.id, key);
        this.listing = { after: page.data.at(-1)?.id ?? this.listing.after, more: page.has_more };
      } catch (error) {
        this.ctx.fail(error);
      }
    }
    for (const id of wanted) {
      const key = this.known.get(id) ?? null;
      for (const listener of this.listeners.get(id) ?? []) listener(key);
    }
  }
}
