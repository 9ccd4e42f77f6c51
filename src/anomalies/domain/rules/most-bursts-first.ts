/** Summaries name the most bursting first, ties by name: the same order whichever instance or replay raises them. */
export const mostBurstsFirst = ([a, x]: [string, { bursts: number }], [b, y]: [string, { bursts: number }]): number =>
  y.bursts - x.bursts || (a < b ? -1 : a > b ? 1 : 0);
