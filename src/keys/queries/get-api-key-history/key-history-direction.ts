/**
 * Which way a key's history is paged: `oldest_first` (the default) from its start, each cursor the point after which
 * the next page starts, or `newest_first` from its end back in time, each cursor the point before which it starts.
 */
export const KEY_HISTORY_DIRECTIONS = ['oldest_first', 'newest_first'] as const;
export type KeyHistoryDirection = (typeof KEY_HISTORY_DIRECTIONS)[number];
