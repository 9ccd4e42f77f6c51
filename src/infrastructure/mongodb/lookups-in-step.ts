/**
 * Looks each id up, as many at once as the server keeps up with: one first, twice as many after a round that took
 * under the target, half as many after one over it (at most `max`). A MongoDB server answers a lookup by `_id` from its
 * index in about a millisecond, so the rounds widen to `max` at once; FerretDB 1.24 scans the collection for each (1.0-2.0 s
 * at 100,000 views on this machine), and 21 of them at once shared 2 cores until each took past the 5 s socket timeout,
 * where one at a time each ends within it.
 */
export async function lookupsInStep<T>(
  ids: readonly string[],
  lookup: (id: string) => Promise<T>,
  options: { max: number; targetMs: number; now?: () => number },
): Promise<T[]> {
  const now = options.now ?? (() => performance.now());
  const found: T[] = [];
  let width = 1;
  for (let from = 0; from < ids.length; ) {
    const round = ids.slice(from, from + width);
    const started = now();
    found.push(...(await Promise.all(round.map(lookup))));
    from += round.length;
    width = now() - started > options.targetMs ? Math.max(1, Math.floor(width / 2)) : Math.min(options.max, width * 2);
  }
  return found;
}
