/**
 * An immutable string-keyed map: `set` and `remove` return a new map that shares every untouched node
 * with the old one, so an update costs O(log32 n) instead of copying a Map of every key or address.
 * A hash trie on 32-bit FNV-1a; iteration order is the trie's, so it depends only on the keys held.
 */
export interface PersistentMap<V> {
  readonly size: number;
  readonly root: TrieNode<V> | undefined;
}

export type TrieNode<V> = Branch<V> | Bucket<V>;

interface Branch<V> {
  readonly kind: 'branch';
  readonly slots: readonly (TrieNode<V> | undefined)[];
}

/** Every entry whose key has this hash; a bucket may sit at any depth because lookups compare the full hash. */
interface Bucket<V> {
  readonly kind: 'bucket';
  readonly hash: number;
  readonly entries: readonly (readonly [string, V])[];
}

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

export function emptyMap<V>(): PersistentMap<V> {
  return { size: 0, root: undefined };
}

function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const slotOf = (hash: number, shift: number): number => (hash >>> shift) & MASK;

export function get<V>(map: PersistentMap<V>, key: string): V | undefined {
  const hash = hashOf(key);
  let node = map.root;
  for (let shift = 0; node !== undefined; shift += BITS) {
    if (node.kind === 'bucket') {
      if (node.hash !== hash) return undefined;
      return node.entries.find(([k]) => k === key)?.[1];
    }
    node = node.slots[slotOf(hash, shift)];
  }
  return undefined;
}

export function set<V>(map: PersistentMap<V>, key: string, value: V): PersistentMap<V> {
  const { node, added } = setIn(map.root, hashOf(key), 0, key, value);
  return { size: map.size + (added ? 1 : 0), root: node };
}

function setIn<V>(
  node: TrieNode<V> | undefined,
  hash: number,
  shift: number,
  key: string,
  value: V,
): { node: TrieNode<V>; added: boolean } {
  if (node === undefined) return { node: { kind: 'bucket', hash, entries: [[key, value]] }, added: true };
  if (node.kind === 'bucket') {
    if (node.hash === hash) {
      const at = node.entries.findIndex(([k]) => k === key);
      const entries = node.entries.slice();
      if (at === -1) entries.push([key, value]);
      else entries[at] = [key, value];
      return { node: { kind: 'bucket', hash, entries }, added: at === -1 };
    }
    const slots: (TrieNode<V> | undefined)[] = new Array(WIDTH).fill(undefined);
    slots[slotOf(node.hash, shift)] = node;
    return setIn({ kind: 'branch', slots }, hash, shift, key, value);
  }
  const index = slotOf(hash, shift);
  const child = setIn(node.slots[index], hash, shift + BITS, key, value);
  const slots = node.slots.slice();
  slots[index] = child.node;
  return { node: { kind: 'branch', slots }, added: child.added };
}

export function remove<V>(map: PersistentMap<V>, key: string): PersistentMap<V> {
  const hash = hashOf(key);
  const result = removeIn(map.root, hash, 0, key);
  if (result === map.root) return map;
  return { size: map.size - 1, root: result };
}

/** Returns the same node when the key is absent, so callers can tell that nothing was removed. */
function removeIn<V>(node: TrieNode<V> | undefined, hash: number, shift: number, key: string): TrieNode<V> | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'bucket') {
    if (node.hash !== hash || !node.entries.some(([k]) => k === key)) return node;
    const entries = node.entries.filter(([k]) => k !== key);
    return entries.length === 0 ? undefined : { kind: 'bucket', hash, entries };
  }
  const index = slotOf(hash, shift);
  const before = node.slots[index];
  const after = removeIn(before, hash, shift + BITS, key);
  if (after === before) return node;
  const slots = node.slots.slice();
  slots[index] = after;
  const left = slots.filter((slot) => slot !== undefined);
  if (left.length === 0) return undefined;
  if (left.length === 1 && left[0].kind === 'bucket') return left[0];
  return { kind: 'branch', slots };
}

export function* entries<V>(map: PersistentMap<V>): Generator<readonly [string, V]> {
  yield* walk(map.root);
}

function* walk<V>(node: TrieNode<V> | undefined): Generator<readonly [string, V]> {
  if (node === undefined) return;
  if (node.kind === 'bucket') {
    yield* node.entries;
    return;
  }
  for (const slot of node.slots) yield* walk(slot);
}
