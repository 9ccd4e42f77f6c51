import type { ApiKeyView } from '../../keys/projection/api-key-view.js';

/**
 * The `size` views of the highest createdPosition offered, newest first; a view offered twice (a server's collection scan
 * may meet a view again after a write moved it) counts once, at its newest revision. Offers are gathered and cut back to
 * `size` when twice as many are held (a sort): n log size for n offers, where keeping the kept views in order at each offer
 * was n × size (a window of 10,000 over 100,000 views: 10⁹ moves).
 */
export class NewestViews {
  private held: ApiKeyView[] = [];

  constructor(private readonly size: number) {}

  offer(view: ApiKeyView): void {
    this.held.push(view);
    if (this.held.length >= 2 * this.size) this.cut();
  }

  views(): ApiKeyView[] {
    this.cut();
    return [...this.held];
  }

  private cut(): void {
    // Newest first; the same view (same id, so the same position) newest revision first, then each id once.
    this.held.sort((a, b) => b.createdPosition - a.createdPosition || (a.id < b.id ? -1 : a.id > b.id ? 1 : b.revision - a.revision));
    const kept: ApiKeyView[] = [];
    for (const view of this.held) {
      if (kept.length === this.size) break;
      if (kept.at(-1)?.id !== view.id) kept.push(view);
    }
    this.held = kept;
  }
}
