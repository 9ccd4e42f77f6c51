import type Database from 'better-sqlite3';
import { foldKeyName, type KeySearch, prefixRangeEnd } from '../../keys/projection/key-search.js';

/**
 * The key search's column and indexes in api_keys, made on open after the added columns: `name_folded` (foldKeyName of
 * the name, which SQLite's ASCII-only lower() cannot make) filled in for the views an earlier version wrote, then an
 * index per search, each led by the account (tenancy is the first thing every listing filters on). Filled in too where
 * it is not the name's: an earlier version renaming a key (after a downgrade, or beside this one in a rolling upgrade)
 * sets the name and leaves the column, so the CLI found the key by its old name. Checking every row costs 36-43 ms an
 * open at 100,000 keys (7 ms for the NULL ones alone; the first fill 230 ms): docs/benchmarks.md.
 */
export function addKeySearchIndexes(db: Database.Database): void {
  db.function('fold_key_name', { deterministic: true }, (name: unknown) => (typeof name === 'string' ? foldKeyName(name) : null));
  db.exec(`
    UPDATE api_keys SET name_folded = fold_key_name(name) WHERE name IS NOT NULL AND (name_folded IS NULL OR name_folded IS NOT fold_key_name(name));
    CREATE INDEX IF NOT EXISTS api_keys_name_search ON api_keys (account_id, name_folded);
    CREATE INDEX IF NOT EXISTS api_keys_prefix_search ON api_keys (account_id, prefix);`);
}

/**
 * The search's condition and the index that serves it (INDEXED BY: a query the index cannot serve fails rather than
 * scan the account). The name is an index range [start, end): every folded name that starts with the text, and no other.
 */
export function keySearchClause(search: KeySearch): { indexedBy: string; condition: string } | null {
  if (search.prefix !== undefined) {
    const byName = search.namePrefix === undefined ? '' : ` AND ${nameRange(search.namePrefix)}`;
    return { indexedBy: 'api_keys_prefix_search', condition: `prefix = @prefix${byName}` };
  }
  if (search.namePrefix !== undefined) return { indexedBy: 'api_keys_name_search', condition: nameRange(search.namePrefix) };
  return null;
}

const nameRange = (start: string) => (prefixRangeEnd(start) === null ? 'name_folded >= @nameFrom' : 'name_folded >= @nameFrom AND name_folded < @nameTo');

/** The parameters keySearchClause's condition names. */
export function keySearchParameters(search: KeySearch): Record<string, string> {
  const parameters: Record<string, string> = {};
  if (search.prefix !== undefined) parameters.prefix = search.prefix;
  if (search.namePrefix !== undefined) {
    parameters.nameFrom = search.namePrefix;
    const end = prefixRangeEnd(search.namePrefix);
    if (end !== null) parameters.nameTo = end;
  }
  return parameters;
}
