import type { Collection } from 'mongodb';
import { foldKeyName } from '../../keys/projection/key-search.js';

export interface NamedDocument {
  _id: string;
  name?: string | null;
  nameFolded?: string | null;
}

/**
 * Whether a stored view's folded name is not its name's: an earlier version renaming a key (after a downgrade, or
 * beside this one in a rolling upgrade) sets `name` and leaves `nameFolded`, so the name search found the key by its
 * old name only. A view without `nameFolded` (written before the search) is not stale: the search compares it as it
 * reads it.
 */
export function hasStaleFoldedName(doc: NamedDocument): boolean {
  return typeof doc.name === 'string' && typeof doc.nameFolded === 'string' && doc.nameFolded !== foldKeyName(doc.name);
}

/** Rewrites fewer than this many times a view renamed again under each rewrite: the next start takes it up. */
const MAX_ROUNDS = 10;

/**
 * Sets the folded name of each view from the name it was read with, one write by `_id` at a time (the filter FerretDB
 * 1.24 hands to SQLite). Each write answers the document as it was: renamed meanwhile (the projection writes name and
 * folded name together), the fold of the name found is set instead, until the name a write meets is the one it
 * folded. Stops between two writes once `stopped()` says so; answers how many views it rewrote.
 */
export async function refoldNames(views: Collection<NamedDocument>, stale: readonly { id: string; name: string }[], stopped: () => boolean): Promise<number> {
  let rewritten = 0;
  for (const seen of stale) {
    let name: string | null = seen.name;
    for (let round = 0; round < MAX_ROUNDS && !stopped(); round++) {
      const nameFolded: string | null = name === null ? null : foldKeyName(name);
      const before: NamedDocument | null = await views.findOneAndUpdate({ _id: seen.id }, { $set: { nameFolded } }, { returnDocument: 'before' });
      if (before === null) break; // gone: a rebuild emptied the collection
      const found: string | null = typeof before.name === 'string' ? before.name : null;
      if (found === name) {
        rewritten++;
        break;
      }
      name = found;
    }
    if (stopped()) break;
  }
  return rewritten;
}
