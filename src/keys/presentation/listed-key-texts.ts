import type { KeyUsageSummary } from '../../usage/projection/key-usage-view.js';
import { type ApiKeyView, type KeyStatus, keyStatusAt } from '../projection/api-key-view.js';
import { presentApiKey } from './present-api-key.js';

/** How many keys' texts are kept at most (about 0.4 KB each): five pages of the largest size, a hundred of the default. */
export const KEPT_TEXTS = 2_000;

interface KeptText {
  status: KeyStatus;
  requestCount: number;
  lastUsedAt: string | null;
  text: string;
}

/**
 * A listed key as JSON text, JSON.stringify(presentApiKey(view, usage, now)), kept for the next listing. Serializing
 * the page was a third of the listing's request-thread CPU (about 30 µs of 86 for 20 keys), for answers that change
 * only when a key does. A view is never changed (a key's change makes a new one), so the text is kept per view and
 * given again while what presentApiKey reads beyond the view is the same: the status at `now` (a key reaches its
 * end by time) and the usage summary's count and last use (the summary table updates its entries in place).
 * Bounded: past KEPT_TEXTS keys it starts afresh; a key's replaced view and its text go with it (a WeakMap).
 */
export class ListedKeyTexts {
  private kept = new WeakMap<ApiKeyView, KeptText>();
  private count = 0;

  textOf(view: ApiKeyView, usage: KeyUsageSummary | undefined, now: Date): string {
    const status = keyStatusAt(view, now);
    const requestCount = usage ? usage.accepted + usage.rateLimited + usage.refused : 0;
    const lastUsedAt = usage?.lastUsedAt ?? null;
    const held = this.kept.get(view);
    if (held !== undefined && held.status === status && held.requestCount === requestCount && held.lastUsedAt === lastUsedAt) return held.text;
    const text = JSON.stringify(presentApiKey(view, usage, now));
    if (held === undefined && ++this.count > KEPT_TEXTS) {
      this.kept = new WeakMap();
      this.count = 1;
    }
    this.kept.set(view, { status, requestCount, lastUsedAt, text });
    return text;
  }
}
