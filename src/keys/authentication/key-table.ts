import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { Projection } from '../../shared/projections/projection.js';
import { keyIdOf } from '../api-key-event-codec.js';
import { API_KEY_EVENT_TYPES, API_KEY_STREAM_PREFIX, type KeyRateLimit } from '../domain/api-key-events.js';
import type { ApiKeyListQuery, ApiKeyPage, ApiKeyQueries } from '../projection/api-key-read-model.port.js';
import { type ApiKeyView, applyToApiKeyView, foldApiKeyView, type KeyRotationView, keyStatusAt } from '../projection/api-key-view.js';
import { matchesKeySearch, searches } from '../projection/key-search.js';
import { AddressMatcher } from './address-matcher.js';

export interface KnownKey {
  keyId: string;
  accountId: string;
  name: string | null;
  /** As the key's events leave it; a key past `endsAtMs` is expired whatever this says. */
  status: 'active' | 'expired' | 'revoked';
  disabled: boolean;
  rateLimit: KeyRateLimit;
  /**
   * The subject its rate limit is counted under, `key:<id>` of the first key of its line of rolls: a rolled key and
   * its successors spend one budget while both work, so a roll does not double what its holders may do. Made
   * once: built per request, the string was made and hashed again for every limiter lookup.
   */
  rateLimitSubject: string;
  permissions: string[];
  allowedIps: string[];
  /** Null: usable from anywhere. */
  addresses: AddressMatcher | null;
  expiresAt: string | null;
  /** When the key stops working by time (its expiry or the grace end of a roll); Infinity for never. */
  endsAtMs: number;
  /** The end as text (expires_at as verify answers it): null for never. */
  endsAt: string | null;
  rotation: KeyRotationView | null;
  /**
   * The key has an event this version cannot read (written by a newer version: view.unreadableSince): whether it
   * is valid is unknown here, so it is refused, unless what this version can read already ends it (revoked, expired).
   */
  changedByNewerVersion: boolean;
  /** The key's view as the key-view projection's own fold leaves it: what the key queries answer. */
  view: ApiKeyView;
}

export const KEY_TABLE = 'key-table';

/** The part of the key read model the table loads from. */
export interface KeyTableSource {
  getCheckpoint(): Promise<number | null>;
  allViews(): AsyncIterable<ApiKeyView[]>;
}

export interface KeyTableOptions {
  /** A key's stream from the log: a loaded view marked unreadableSince is folded again from it (this version may read it). */
  readKeyStream?(keyId: string): Promise<RecordedEvent[]>;
  /** Told once per key that gets an event this version cannot read. */
  warn?(message: string): void;
}

function known(view: ApiKeyView, rateLimitSubject: string): KnownKey {
  return {
    keyId: view.id,
    accountId: view.accountId,
    name: view.name,
    status: view.status === 'disabled' ? 'active' : view.status,
    disabled: view.disabled,
    rateLimit: view.rateLimit,
    rateLimitSubject,
    permissions: view.permissions,
    allowedIps: view.allowedIps,
    addresses: view.allowedIps.length === 0 ? null : new AddressMatcher(view.allowedIps),
    expiresAt: view.expiresAt,
    endsAtMs: view.endsAt === null ? Infinity : Date.parse(view.endsAt),
    endsAt: view.endsAt,
    rotation: view.rotation,
    changedByNewerVersion: view.unreadableSince !== null,
    view,
  };
}

/**
 * Every key by the SHA-256 of its secret, in process memory: authentication and verification
 * answer from here with no store call, expiry, disabling, permissions and addresses included; the key queries
 * (list, show) too, so that what this instance enforces and what it shows are one state. Loaded from the read
 * model, then kept current as a projection of the log from the read model's checkpoint, with the key views'
 * own fold (applyToApiKeyView): a key here is always the view the key-view projection makes of the same events.
 * Revoked and expired keys stay, marked, so the verify endpoint can say why.
 */
export class KeyTable implements Projection, ApiKeyQueries {
  readonly name = KEY_TABLE;
  readonly eventTypes = API_KEY_EVENT_TYPES;
  /** A type a newer version added to key streams reaches the table, which then refuses the key (changedByNewerVersion). */
  readonly readsUnknownTypesIn = API_KEY_STREAM_PREFIX;
  private readonly byHash = new Map<string, KnownKey>();
  private readonly hashById = new Map<string, string>();
  /** Each account's keys in creation order (the log's): the listing walks it newest first. */
  private readonly byAccount = new Map<string, KnownKey[]>();
  /** Per account that liveKeys was asked about, its count, kept current by put(). */
  private readonly liveCounts = new Map<string, LiveCount>();
  private position: number | null = null;
  private active = 0;
  private changedByNewer = 0;

  constructor(
    private readonly source: KeyTableSource,
    private readonly options: KeyTableOptions = {},
  ) {}

  /** Keys that authenticate: every key the table knows but the revoked, expired and disabled ones, and those changed by a newer version. */
  get activeKeys(): number {
    return this.active;
  }

  /** Keys with an event this version cannot read (KnownKey.changedByNewerVersion). */
  get keysChangedByNewerVersion(): number {
    return this.changedByNewer;
  }

  /**
   * The account's live keys at `atMs`: neither revoked nor expired, nor past their end by time (marked or not);
   * disabled ones count, and so do those changed by a newer version (held here all the same). What the account key
   * limit counts. A walk of the account's keys (revoked ones included) cost 100–400 µs at 10,000 keys, on every
   * creation: the count is kept instead, until one of the keys it counted reaches its end (LiveCount).
   */
  liveKeys(accountId: string, atMs: number): number {
    const kept = this.liveCounts.get(accountId);
    if (kept !== undefined && atMs >= kept.countedAt && atMs < kept.validUntil) return kept.live;
    let live = 0;
    let validUntil = Infinity;
    for (const key of this.byAccount.get(accountId) ?? []) {
      if (!liveAt(key, atMs)) continue;
      live++;
      validUntil = Math.min(validUntil, key.endsAtMs);
    }
    this.liveCounts.set(accountId, { live, countedAt: atMs, validUntil });
    return live;
  }

  lookup(secretHash: string): KnownKey | undefined {
    return this.byHash.get(secretHash);
  }

  byId(keyId: string): KnownKey | undefined {
    const hash = this.hashById.get(keyId);
    return hash === undefined ? undefined : this.byHash.get(hash);
  }

  async findById(accountId: string, id: string): Promise<ApiKeyView | null> {
    const key = this.byId(id);
    return key !== undefined && key.accountId === accountId ? key.view : null;
  }

  /** The views are the table's own: callers read them and never change them. */
  async list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    const keys = this.byAccount.get(accountId) ?? [];
    const at = query.status === undefined ? null : new Date(query.now ?? Date.now());
    // A walk of the account's keys, as the status filter: at 10,000 keys a search folds 10,000 names (measured in docs/benchmarks.md).
    const search = searches(query) ? query : null;
    const views: ApiKeyView[] = [];
    for (let i = query.beforePosition === undefined ? keys.length - 1 : firstAtOrAfter(keys, query.beforePosition) - 1; i >= 0; i--) {
      const view = keys[i].view;
      if (at !== null && keyStatusAt(view, at) !== query.status) continue;
      if (search !== null && !matchesKeySearch(view, search)) continue;
      if (views.length === query.limit) return { views, hasMore: true };
      views.push(view);
    }
    return { views, hasMore: false };
  }

  /**
   * Keys that will end by time and have not yet been marked expired: what the expiry scheduler watches. Not those
   * changed by a newer version: their end may have been moved by what this version cannot read (it records no
   * KeyExpired for them; the key is refused here all the same, and an upgraded instance records it).
   */
  *ending(): Iterable<KnownKey> {
    for (const key of this.byHash.values()) {
      if (key.changedByNewerVersion) continue;
      if (key.status === 'active' && (key.endsAtMs !== Infinity || key.rotation?.closeWhenIdleSeconds != null)) yield key;
    }
  }

  /**
   * Loads the table when its runner starts: reads the read model's checkpoint first, then its views. The
   * views are at least that fresh, and following the log from the checkpoint re-applies, in order, anything
   * they already include (which the fold, by revision, leaves as it is). Started again on another generation
   * of the read model (a rebuild made live), it loads that one over what it holds, a key's newer revision
   * winning: a key is never taken back to an older state, and one the table lacked (loaded from a read model
   * that had lost it) is there from then on.
   */
  async checkpoint(): Promise<number | null> {
    this.position = await this.source.getCheckpoint();
    for await (const batch of this.source.allViews()) {
      for (const stored of batch) {
        const view = stored.unreadableSince === null ? stored : await this.foldedAgain(stored);
        if ((this.byId(view.id)?.view.revision ?? -1) < view.revision) this.put(known(view, `key:${view.id}`), false);
      }
    }
    // Loaded in no order: put into creation order once, rather than key by key.
    for (const keys of this.byAccount.values()) keys.sort((a, b) => a.view.createdPosition - b.view.createdPosition);
    // In creation order, a key's predecessor has its subject before the key takes it.
    for (const keys of this.byAccount.values()) {
      for (const key of keys) if (key.view.rolledFromKeyId !== null) key.rateLimitSubject = this.lineSubject(key.view.rolledFromKeyId);
    }
    return this.position;
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    for (const recorded of events) {
      const entry = this.byId(keyIdOf(recorded));
      const next = applyToApiKeyView(entry?.view, recorded);
      if (next === undefined || next === entry?.view) continue;
      if (next.unreadableSince !== null && entry?.view.unreadableSince === null) this.warnChangedByNewer(next, `${recorded.type} (schema version ${recorded.schemaVersion})`);
      const subject = entry?.rateLimitSubject ?? (next.rolledFromKeyId === null ? `key:${next.id}` : this.lineSubject(next.rolledFromKeyId));
      this.put(known(next, subject), true);
    }
    this.position = events[events.length - 1].position;
  }

  async saveCheckpoint(position: number): Promise<void> {
    this.position = position;
  }

  /** What it loaded from the views may hold keys the log does not: it forgets every key and follows the log from its start. */
  async startOverWithin(): Promise<null> {
    this.byHash.clear();
    this.hashById.clear();
    this.byAccount.clear();
    this.liveCounts.clear();
    this.position = null;
    this.active = 0;
    this.changedByNewer = 0;
    return null;
  }

  /**
   * A view stored with an event its writer could not read: this version may read it (it was written by this one, or
   * an older one wrote the view), so the key's stream is folded again; still unreadable, the key stays refused.
   */
  private async foldedAgain(stored: ApiKeyView): Promise<ApiKeyView> {
    const stream = this.options.readKeyStream ? await this.options.readKeyStream(stored.id) : [];
    const view = foldApiKeyView(stream) ?? stored;
    if (view.unreadableSince !== null) {
      // Named as when it is met in the log: at every start, not only the first, the line says what a newer version wrote.
      const unreadable = stream.find((event) => event.revision === view.unreadableSince);
      this.warnChangedByNewer(view, unreadable ? `${unreadable.type} (schema version ${unreadable.schemaVersion})` : `its event at revision ${view.unreadableSince}`);
    }
    return view;
  }

  private warnChangedByNewer(view: ApiKeyView, event: string): void {
    this.options.warn?.(
      `Key ${view.id} (account ${view.accountId}) has an event this version of the service cannot read: ${event}, written by a newer version. ` +
        'Until this instance is upgraded it refuses the key with 503 unless it is revoked or expired (docs/operations.md, "Upgrades")',
    );
  }

  /** The subject of a key rolled from `predecessorId`: its predecessor's (the table knows every key it was rolled from). */
  private lineSubject(predecessorId: string): string {
    return this.byId(predecessorId)?.rateLimitSubject ?? `key:${predecessorId}`;
  }

  /** `ordered`: keep the account's keys in creation order now (false while loading, sorted once at the end). */
  private put(key: KnownKey, ordered: boolean): void {
    const { secretHash, createdPosition } = key.view;
    const previousHash = this.hashById.get(key.keyId);
    const previous = previousHash === undefined ? undefined : this.byHash.get(previousHash);
    if (previous !== undefined && authenticates(previous)) this.active--;
    if (authenticates(key)) this.active++;
    if (previous?.changedByNewerVersion) this.changedByNewer--;
    if (key.changedByNewerVersion) this.changedByNewer++;
    const count = this.liveCounts.get(key.accountId);
    if (count !== undefined) {
      if (previous !== undefined && liveAt(previous, count.countedAt)) count.live--;
      if (liveAt(key, count.countedAt)) {
        count.live++;
        count.validUntil = Math.min(count.validUntil, key.endsAtMs);
      }
    }
    // A reissued secret (KeySecretReissued): the one before must find nothing from now on.
    if (previousHash !== undefined && previousHash !== secretHash) this.byHash.delete(previousHash);
    this.byHash.set(secretHash, key);
    this.hashById.set(key.keyId, secretHash);
    let keys = this.byAccount.get(key.accountId);
    if (keys === undefined) this.byAccount.set(key.accountId, (keys = []));
    if (!ordered) {
      if (previous === undefined) keys.push(key);
      else keys[keys.indexOf(previous)] = key;
      return;
    }
    const at = firstAtOrAfter(keys, createdPosition);
    if (keys[at]?.view.createdPosition === createdPosition) keys[at] = key;
    else keys.splice(at, 0, key);
  }
}

/**
 * An account's live keys at `countedAt`: the keys the table holds now that were live then. The same number at any
 * later instant before `validUntil`, the first end among them (no key live then ends sooner; one already past its
 * end stays past it); put() keeps it current as keys change, so a creation counts in O(1) and walks the account's
 * keys again only once one of them has reached its end.
 */
interface LiveCount {
  live: number;
  countedAt: number;
  validUntil: number;
}

/** Whether the key counts against its account's key limit at `atMs`: neither revoked nor expired, nor past its end. */
function liveAt(key: KnownKey, atMs: number): boolean {
  return key.status === 'active' && key.endsAtMs > atMs;
}

/** Whether the key is one the active keys gauge counts (one past its end by time counts until marked expired). */
function authenticates(key: KnownKey): boolean {
  return key.status === 'active' && !key.disabled && !key.changedByNewerVersion;
}

/** The index of the first key created at or after `position` (keys.length if none). */
function firstAtOrAfter(keys: readonly KnownKey[], position: number): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle].view.createdPosition < position) low = middle + 1;
    else high = middle;
  }
  return low;
}
