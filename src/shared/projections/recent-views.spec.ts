import { RecentViews } from './recent-views.js';

/** The plain least-recently-written list the class must match: an array, oldest first, within a budget of weights. */
class ListModel {
  readonly entries: { id: string; bytes: number }[] = [];
  constructor(private readonly budget: number) {}
  set(id: string, bytes: number): void {
    const at = this.entries.findIndex((entry) => entry.id === id);
    if (at !== -1) this.entries.splice(at, 1);
    this.entries.push({ id, bytes });
    while (this.total > this.budget) this.entries.shift();
  }
  get total(): number {
    return this.entries.reduce((sum, entry) => sum + entry.bytes, 0);
  }
  has(id: string): boolean {
    return this.entries.some((entry) => entry.id === id);
  }
}

/** A small deterministic generator, so a failure can be replayed. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

/** Views are their own size here. */
const asBytes = (view: number) => view;

describe('RecentViews', () => {
  it('keeps the most recently written views and drops the least recently written first', () => {
    const recent = new RecentViews<number>(2, () => 1);
    recent.set('a', 1);
    recent.set('b', 2);
    recent.set('a', 3); // a is now the most recent
    recent.set('c', 4); // drops b
    expect([recent.get('a'), recent.get('b'), recent.get('c')]).toEqual([3, undefined, 4]);
    expect(recent.size).toBe(2);
  });

  it('drops as many of the oldest views as a heavier one needs, and counts a rewritten view at its new size', () => {
    const recent = new RecentViews<number>(10, asBytes);
    recent.set('a', 3);
    recent.set('b', 3);
    recent.set('c', 3);
    recent.set('b', 1); // 3 + 3 + 1
    recent.set('d', 8); // 3 + 3 + 1 + 8: drops a, then c
    expect([recent.get('a'), recent.get('b'), recent.get('c'), recent.get('d')]).toEqual([undefined, 1, undefined, 8]);
    expect(recent.heldBytes).toBe(9);
  });

  it('counts a view set again after it grew in place at its new size', () => {
    const recent = new RecentViews<{ size: number }>(10, (view) => view.size);
    const view = { size: 3 };
    recent.set('a', view);
    view.size = 5;
    recent.set('a', view);
    recent.set('b', { size: 5 });
    expect([recent.get('a'), recent.heldBytes]).toEqual([view, 10]);
  });

  it('keeps no view larger than the whole budget, and nothing else is lost to it but what it displaced', () => {
    const recent = new RecentViews<number>(10, asBytes);
    recent.set('a', 4);
    recent.set('huge', 11);
    expect([recent.size, recent.heldBytes, recent.get('huge')]).toEqual([0, 0, undefined]);
    recent.set('b', 4);
    expect([recent.get('b'), recent.heldBytes]).toEqual([4, 4]);
  });

  it('holds exactly what a least-recently-written list holds, over long runs of writes, rewrites and clears', () => {
    for (const [budget, ids, maxBytes, seed] of [
      [1, 3, 1, 1],
      [5, 8, 1, 2],
      [50, 60, 1, 3],
      [50, 500, 1, 4],
      [300, 1000, 1, 5],
      [40, 60, 9, 6],
      [900, 1000, 30, 7],
    ] as const) {
      const random = sequence(seed);
      const recent = new RecentViews<number>(budget, asBytes);
      let model = new ListModel(budget);
      for (let step = 0; step < 20_000; step++) {
        if (random() < 0.0005) {
          recent.clear();
          model = new ListModel(budget);
          continue;
        }
        // Skewed, so that some views are written again while kept and others only after being dropped.
        const id = `view-${Math.floor(random() ** 2 * ids)}`;
        const bytes = 1 + Math.floor(random() * maxBytes);
        recent.set(id, bytes);
        model.set(id, bytes);
      }
      expect([recent.size, recent.heldBytes]).toEqual([model.entries.length, model.total]);
      for (let n = 0; n < ids; n++) {
        const id = `view-${n}`;
        expect([id, recent.get(id) !== undefined]).toEqual([id, model.has(id)]);
      }
    }
  });
});
