/**
 * A key's uses per UTC minute, for rate_spike's baseline: numbers in one array rather than a Map of one
 * `{count, alerted}` object a minute, which held ~113 B a minute, 7.0 KB for a key used every minute of the
 * baseline (measured 2026-12-07; about 700 MB of the projection thread's heap for 100,000 such keys).
 *
 * Flat pairs `[minute, count, minute, count, …]`, oldest minute first, only minutes with uses (a key used now and then
 * under a long baseline keeps a pair per minute used, not one per minute of the window). A minute whose spike was
 * alerted holds its count negated: counts are never 0.
 */
export type MinuteCounts = number[];

/** Forgets the minutes before `oldest`. */
export function dropMinutesBefore(counts: MinuteCounts, oldest: number): void {
  let end = 0;
  while (end < counts.length && counts[end] < oldest) end += 2;
  if (end > 0) counts.splice(0, end);
}

/** Counts one use in `minute` and returns the index of its count (read it with countAt, alertedAt). */
export function countUse(counts: MinuteCounts, minute: number): number {
  let i = counts.length - 2;
  // Most uses are of the last minute held (a late one may be of any minute in the window): scanned from the end.
  while (i >= 0 && counts[i] > minute) i -= 2;
  if (i >= 0 && counts[i] === minute) {
    counts[i + 1] += counts[i + 1] < 0 ? -1 : 1;
    return i + 1;
  }
  counts.splice(i + 2, 0, minute, 1);
  return i + 3;
}

export const countAt = (counts: MinuteCounts, index: number): number => Math.abs(counts[index]);

export const alertedAt = (counts: MinuteCounts, index: number): boolean => counts[index] < 0;

export function markAlerted(counts: MinuteCounts, index: number): void {
  counts[index] = -Math.abs(counts[index]);
}

/** The uses in the minutes from `start` to before `end`. */
export function usesBetween(counts: MinuteCounts, start: number, end: number): number {
  let uses = 0;
  for (let i = 0; i < counts.length && counts[i] < end; i += 2) if (counts[i] >= start) uses += Math.abs(counts[i + 1]);
  return uses;
}

/** How many minutes it holds. */
export const minutesHeld = (counts: MinuteCounts): number => counts.length / 2;
