/** A watched expiry whose warning window opens at `dueMs`; stale once the key's expiry or watch has changed. */
export interface ExpiryDue {
  dueMs: number;
  keyId: string;
  expiresAtMs: number;
}

/**
 * The watched expiries, earliest window first: a binary min-heap in a plain array (the detector's state stays
 * plain data, saved as it is in a snapshot), so that each event costs a look at the earliest and a key's entry is
 * found when its window opens, never by a scan of every key. Written here because a domain folder imports no npm
 * package (.dependency-cruiser.cjs). Entries are not removed when an expiry changes: the reader drops one that no
 * longer matches its key.
 */
export type ExpiryQueue = ExpiryDue[];

export function pushExpiry(heap: ExpiryQueue, entry: ExpiryDue): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent].dueMs <= entry.dueMs) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = entry;
}

/** Whether an entry is due at or before `nowMs`: a look at the earliest, for every event the detector reads. */
export function expiryDue(heap: ExpiryQueue, nowMs: number): boolean {
  return heap.length > 0 && heap[0].dueMs <= nowMs;
}

/** The earliest entry due at or before `nowMs`, taken out; undefined when none is. */
export function popDueExpiry(heap: ExpiryQueue, nowMs: number): ExpiryDue | undefined {
  if (!expiryDue(heap, nowMs)) return undefined;
  const top = heap[0];
  const last = heap.pop()!;
  if (heap.length === 0) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && heap[right].dueMs < heap[left].dueMs ? right : left;
    if (heap[child].dueMs >= last.dueMs) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = last;
  return top;
}
