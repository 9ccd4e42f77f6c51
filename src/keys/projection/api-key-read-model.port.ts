import type { ViewStore } from '../../shared/projections/view-projection.js';
import type { ApiKeyView, KeyStatus } from './api-key-view.js';

export const API_KEY_READ_MODEL = Symbol('API_KEY_READ_MODEL');

export interface ApiKeyPage {
  views: ApiKeyView[];
  hasMore: boolean;
}

export interface ApiKeyListQuery {
  limit: number;
  /** Only keys created before this position (exclusive): the cursor. */
  beforePosition?: number;
  /** Only keys of this status at `now` (keyStatusAt): an active or disabled key past its end counts as expired. */
  status?: KeyStatus;
  /** ISO 8601 UTC (toISOString), for the status filter. */
  now?: string;
}

/**
 * The key views and the projection checkpoint, kept in one store so that both move
 * together. Writes are idempotent: a view is replaced only by one of a higher revision.
 */
export interface ApiKeyReadModel extends ViewStore<ApiKeyView> {
  /** Scoped to the account: another account's key is not found. */
  findById(accountId: string, id: string): Promise<ApiKeyView | null>;
  /** Newest first. */
  list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage>;
  /** Every key of every account in id order, a page at a time: for loading the in-process key table. */
  scan(afterId: string | null, limit: number): Promise<ApiKeyView[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
