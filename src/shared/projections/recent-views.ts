/**
 * The views a projection last wrote or read, the most recent `capacity` of them, so that the next event of a
 * view's stream is folded without reading the view back from its store. Sound because a view is a pure fold
 * of one stream's events: the view at revision r is the same wherever it was computed, so another instance
 * writing the same database cannot make a kept view wrong, only older than the store's, which the projection
 * sees by its revision.
 */
export class RecentViews<V> {
  private readonly views = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(id: string): V | undefined {
    return this.views.get(id);
  }

  set(id: string, view: V): void {
    // Re-inserted so that Map order is least recently written first: the first key is the one to drop.
    this.views.delete(id);
    this.views.set(id, view);
    if (this.views.size > this.capacity) this.views.delete(this.views.keys().next().value!);
  }

  clear(): void {
    this.views.clear();
  }
}
