import { RecentViews } from './recent-views.js';

/** The plain least-recently-written list the class must match: an array, oldest first. */
class ListModel {
  readonly ids: string[] = [];
  constructor(private readonly capacity: number) {}
  set(id: string): void {
    const at = this.ids.indexOf(id);
    if (at !== -1) this.ids.splice(at, 1);
    this.ids.push(id);
    if (this.ids.length > this.capacity) this.ids.shift();
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

describe('RecentViews', () => {
  it('keeps the most recently written views and drops the least recently written first', () => {
    const recent = new RecentViews<number>(2);
    recent.set('a', 1);
    recent.set('b', 2);
    recent.set('a', 3); // a is now the most recent
    recent.set('c', 4); // drops b
    expect([recent.get('a'), recent.get('b'), recent.get('c')]).toEqual([3, undefined, 4]);
    expect(recent.size).toBe(2);
  });

  it('holds exactly what a least-recently-written list holds, over long runs of writes, rewrites and clears', () => {
    for (const [capacity, ids, seed] of [
      [1, 3, 1],
      [5, 8, 2],
      [50, 60, 3],
      [50, 500, 4],
      [300, 1000, 5],
    ] as const) {
      const random = sequence(seed);
      const recent = new RecentViews<number>(capacity);
      let model = new ListModel(capacity);
      for (let step = 0; step < 20_000; step++) {
        if (random() < 0.0005) {
          recent.clear();
          model = new ListModel(capacity);
          continue;
        }
        // Skewed, so that some views are written again while kept and others only after being dropped.
        const id = `view-${Math.floor(random() ** 2 * ids)}`;
        recent.set(id, step);
        model.set(id);
      }
      expect(recent.size).toBe(model.ids.length);
      for (let n = 0; n < ids; n++) {
        const id = `view-${n}`;
        expect([id, recent.get(id) !== undefined]).toEqual([id, model.ids.includes(id)]);
      }
    }
  });
});
