import type { ViewStore } from '../../shared/projections/view-projection.js';
import type { ApiKeyView, KeyStatus } from './api-key-view.js';
import type { KeySearch } from './key-search.js';

export const API_KEY_READ_MODEL = Symbol('API_KEY_READ_MODEL');

export interface ApiKeyPage {
  views: ApiKeyView[];
  hasMore: boolean;
}

/** The search fields (KeySearch): a folded name prefix and an exact display prefix, each served by an index in the stores. */
export interface ApiKeyListQuery extends KeySearch {
  limit: number;
  /** Only keys created before this position (exclusive): the cursor. */
  beforePosition?: number;
  /** Only keys of this status at `now` (keyStatusAt): an active or disabled key past its end counts as expired. */
  status?: KeyStatus;
  /** ISO 8601 UTC (toISOString), for the status filter. */
  now?: string;
}

/** A listing of every page: the page's query without its size. */
export type ApiKeyListAllQuery = Omit<ApiKeyListQuery, 'limit'>;

export const API_KEY_QUERIES = Symbol('API_KEY_QUERIES');

/**
 * What the key queries read: the service's in-memory key table (always as fresh as this instance's access
 * decisions), or the key views themselves in the CLI.
 */
export interface ApiKeyQueries {
  /** Scoped to the account: another account's key is not found. */
  findById(accountId: string, id: string): Promise<ApiKeyView | null>;
  /** Newest first by the position of the key's KeyCreated in the log (not by createdAt: see docs/api.md). */
  list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage>;
}

/**
 * The key views and the projection checkpoint, kept in one store so that both move
 * together. Writes are idempotent: a view is replaced only by one of a higher revision.
 */
export interface ApiKeyReadModel extends ViewStore<ApiKeyView>, ApiKeyQueries {
  /**
   * Every key of every account, in no order, a batch at a time: loads the in-process key table at start. A view
   * stored when the call begins (and not removed) comes at least once, as fresh as it was then or fresher; it may
   * come twice (the newer revision wins). No order, so that no store has to sort the whole collection for it.
   */
  allViews(): AsyncIterable<ApiKeyView[]>;
  /**
   * Whether any view (live or not) names the account, read in no order: a listing's first page asks the store to sort
   * the account's keys (FerretDB 1.24 sorts them in memory, past its socket timeout at 100,000 keys).
   */
  holdsAccount(accountId: string): Promise<boolean>;
  /**
   * Every key list() would page through, in its order (newest first by createdPosition), a batch at a time, read as it
   * goes: the operator's `list --all`. The concatenated batches are the concatenated pages of list() at the same query;
   * what is held at once is a batch (or, where the store cannot sort, a window: the MongoDB adapter), never the account.
   */
  listAll(accountId: string, query: ApiKeyListAllQuery): AsyncIterable<ApiKeyView[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
