import { type PersistentMap, emptyMap, entries, get, remove, set } from './persistent-map.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('persistent map', () => {
  it('agrees with a Map over random sets and removals', () => {
    const random = lcg(7);
    const model = new Map<string, number>();
    let map = emptyMap<number>();
    for (let i = 0; i < 20_000; i++) {
      const key = `k${Math.floor(random() * 3000)}`;
      if (random() < 0.3) {
        model.delete(key);
        map = remove(map, key);
      } else {
        model.set(key, i);
        map = set(map, key, i);
      }
      expect(map.size).toBe(model.size);
    }
    for (const [key, value] of model) expect(get(map, key)).toBe(value);
    expect(new Map(entries(map))).toEqual(model);
    for (const key of model.keys()) map = remove(map, key);
    expect(map).toEqual(emptyMap());
  });

  it('never changes an earlier version', () => {
    const v1 = set(set(emptyMap<string>(), 'a', '1'), 'b', '2');
    const v2 = remove(set(v1, 'a', 'changed'), 'b');
    expect([get(v1, 'a'), get(v1, 'b'), v1.size]).toEqual(['1', '2', 2]);
    expect([get(v2, 'a'), get(v2, 'b'), v2.size]).toEqual(['changed', undefined, 1]);
  });

  it('keeps keys whose hashes collide apart (FNV-1a: costarring/liquid, altarage/zinke)', () => {
    let map: PersistentMap<number> = emptyMap();
    for (const [i, key] of ['costarring', 'liquid', 'altarage', 'zinke'].entries()) map = set(map, key, i);
    expect([get(map, 'costarring'), get(map, 'liquid'), get(map, 'altarage'), get(map, 'zinke')]).toEqual([0, 1, 2, 3]);
    map = remove(map, 'liquid');
    expect([get(map, 'costarring'), get(map, 'liquid'), map.size]).toEqual([0, undefined, 3]);
  });

  it('returns the same map when removing an absent key', () => {
    const map = set(emptyMap<number>(), 'a', 1);
    expect(remove(map, 'b')).toBe(map);
  });
});
