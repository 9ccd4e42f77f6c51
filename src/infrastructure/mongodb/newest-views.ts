/** Where a view stands in a newest-first page: its log position (higher is newer) and its id (one view, one id). */
export interface NewestFirst<V> {
  position(view: V): number;
  id(view: V): string;
}

/**
 * The `size` views of the highest position offered, newest first; a view offered twice (a server's collection scan
 * may meet a view again after a write moved it) counts once, at its newest revision. Offers are gathered and cut back to
 * `size` when twice as many are held (a sort): n log size for n offers, where keeping the kept views in order at each offer
 * was n × size (a window of 10,000 over 100,000 views: 10⁹ moves).
 */
export class NewestViews<V extends { revision: number }> {
  private held: V[] = [];

  constructor(
    private readonly size: number,
    private readonly order: NewestFirst<V>,
  ) {}

  offer(view: V): void {
    this.held.push(view);
    if (this.held.length >= 2 * this.size) this.cut();
  }

  views(): V[] {
    this.cut();
    return [...this.held];
  }

  private cut(): void {
    const { position, id } = this.order;
    // Newest first; the same view (same id, so the same position) newest revision first, then each id once.
    this.held.sort((a, b) => position(b) - position(a) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : b.revision - a.revision));
    const kept: V[] = [];
    for (const view of this.held) {
      if (kept.length === this.size) break;
      const last = kept.at(-1);
      if (last === undefined || id(last) !== id(view)) kept.push(view);
    }
    this.held = kept;
  }
}
