import { ApiError } from '../api/api-error.js';
import type { ApiKey } from '../api/api-types.js';
import type { ViewContext } from './view-context.js';

type Listener = (key: ApiKey | null) => void;

/**
 * The keys a screen of alerts names, fetched once each. Every card about a key watches it, so a
 * revocation made from one card shows on all of them.
 */
export class KeyDirectory {
  private readonly keys = new Map<string, Promise<ApiKey | null>>();
  private readonly listeners = new Map<string, Listener[]>();

  constructor(private readonly ctx: ViewContext) {}

  /** Calls `listener` with the key once known (null when it cannot be read), and again after each change. */
  watch(id: string, listener: Listener): void {
    this.listeners.set(id, [...(this.listeners.get(id) ?? []), listener]);
    void this.fetch(id).then(listener);
  }

  changed(key: ApiKey): void {
    this.keys.set(key.id, Promise.resolve(key));
    for (const listener of this.listeners.get(key.id) ?? []) listener(key);
  }

  private fetch(id: string): Promise<ApiKey | null> {
    let key = this.keys.get(id);
    if (!key) {
      key = this.ctx.api.getKey(id).catch((error: unknown) => {
        if (!(error instanceof ApiError && error.status === 404)) this.ctx.fail(error);
        return null;
      });
      this.keys.set(id, key);
    }
    return key;
  }
}
