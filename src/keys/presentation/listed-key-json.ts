import type { KeyUsageSummary } from '../../usage/projection/key-usage-view.js';
import { type ApiKeyView, type KeyStatus, keyStatusAt } from '../projection/api-key-view.js';
import { presentApiKey } from './present-api-key.js';

/** How many keys' JSON is kept at most (about 0.4 KB each): five pages of the largest size, a hundred of the default. */
export const KEPT_KEYS = 2_000;

interface KeptJson {
  status: KeyStatus;
  requestCount: number;
  lastUsedAt: string | null;
  bytes: Buffer;
}

/**
 * A listed key as UTF-8 JSON, the bytes of JSON.stringify(presentApiKey(view, usage, now)), kept for the next listing.
 * Serializing the page was a third of the listing's request-thread CPU (about 30 µs of 86 for 20 keys), for answers
 * that change only when a key does. A view is never changed (a key's change makes a new one), so the JSON is kept
 * per view and given again while what presentApiKey reads beyond the view is the same: the status at `now` (a key
 * reaches its end by time) and the usage summary's count and last use (the summary table updates its entries in
 * place). Kept as bytes, so a page is copied once and never measured or encoded again (listedPageJson).
 * Bounded: past KEPT_KEYS keys it starts afresh; a key's replaced view and its JSON go with it (a WeakMap).
 */
export class ListedKeyJson {
  private kept = new WeakMap<ApiKeyView, KeptJson>();
  private count = 0;

  bytesOf(view: ApiKeyView, usage: KeyUsageSummary | undefined, now: Date): Buffer {
    const status = keyStatusAt(view, now);
    const requestCount = usage ? usage.accepted + usage.rateLimited + usage.refused : 0;
    const lastUsedAt = usage?.lastUsedAt ?? null;
    const held = this.kept.get(view);
    if (held !== undefined && held.status === status && held.requestCount === requestCount && held.lastUsedAt === lastUsedAt) return held.bytes;
    const bytes = Buffer.from(JSON.stringify(presentApiKey(view, usage, now)));
    if (held === undefined && ++this.count > KEPT_KEYS) {
      this.kept = new WeakMap();
      this.count = 1;
    }
    this.kept.set(view, { status, requestCount, lastUsedAt, bytes });
    return bytes;
  }
}

const PAGE_START = Buffer.from('{"data":[');
const COMMA = Buffer.from(',');
const PAGE_END = { more: Buffer.from('],"has_more":true}'), last: Buffer.from('],"has_more":false}') };

/** The listing's page, {"data": [...keys], "has_more": ...}, from its keys' JSON: the bytes JSON.stringify gives it. */
export function listedPageJson(keys: readonly Buffer[], hasMore: boolean): Buffer {
  const parts: Buffer[] = [PAGE_START];
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) parts.push(COMMA);
    parts.push(keys[i]);
  }
  parts.push(hasMore ? PAGE_END.more : PAGE_END.last);
  return Buffer.concat(parts);
}
