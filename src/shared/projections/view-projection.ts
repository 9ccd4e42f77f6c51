import { getHeapStatistics } from 'node:v8';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';
import { RecentViews } from './recent-views.js';

/** Where a projection keeps its views (one per id) and its checkpoint, together. */
export interface ViewStore<V> {
  getMany(ids: readonly string[]): Promise<Map<string, V>>;
  /** Stores the views, each only if newer than the stored one, then the checkpoint. */
  save(views: readonly V[], checkpoint: number): Promise<void>;
  getCheckpoint(): Promise<number | null>;
  reset(): Promise<void>;
  /**
   * Optional: stores views that the store did not hold when they were read (a new key, a rebuild), without the
   * checkpoint (a save() follows). A store may write these faster than save() can (MongoDB inserts instead of
   * revision-guarded upserts), but must still end up as save() would if one exists by then (a retried batch,
   * another instance projecting into the same database).
   */
  insertNew?(views: readonly V[]): Promise<void>;
  /**
   * Optional: true when the projection stops, so a store of many round trips a batch gives the batch up between two
   * (its save fails, the checkpoint not advanced); false when it starts again.
   */
  stopWrites?(stopping: boolean): void;
}

export interface ViewProjectionDefinition<V extends { revision: number }> {
  name: string;
  eventTypes: readonly string[];
  /** Optional: Projection.readsUnknownTypesIn (viewIdOf and apply then get events of types they do not know). */
  readsUnknownTypesIn?: string;
  /** Which view an event belongs to. */
  viewIdOf(event: RecordedEvent): string;
  /**
   * The view after the event: a new object, or the view given changed in place with its revision advanced; the
   * view given, unchanged, when the event was already applied. A view changed in place is the projection's own
   * until written: after a failed write it forgets the views it keeps and reads them again.
   */
  apply(view: V | undefined, event: RecordedEvent): V | undefined;
  /**
   * Optional: the event is the first of its view (a key's creation), so no stored view can hold anything the
   * event does not start over, and a batch that begins the view with it need not look it up. A lookup of an
   * id that is not stored scans the whole collection on FerretDB 1.24; a view stored all the same (a batch
   * retried after a crash) is met by insertNew, which keeps the newer of the two.
   */
  startsView?(event: RecordedEvent): boolean;
  /**
   * Optional: the projection keeps the views it last wrote or read (RecentViews) and folds an event into a kept
   * view of the revision just before without reading it back: on FerretDB 1.24 each read searches the whole
   * collection. For views whose streams have more than one event.
   */
  keepsRecentViews?: true;
  /** The heap a view takes, measured for the view's shape (kept views, and those a bulk fill holds); DEFAULT_VIEW_BYTES otherwise. */
  viewBytes?(view: V): number;
}

/**
 * Views held back in bulk mode before they are written (about 1 KB each): a view written and changed again
 * later costs an update instead of an insert, which on FerretDB 1.24 scans the whole collection.
 */
const BULK_FLUSH_AT = 250_000;
/**
 * And at most this much heap of them: an eighth of the thread's heap limit. The projection thread fills two view
 * projections at once beside the detector's state, and a flush copies what it writes; with only the count, a first
 * fill of 100,000 keys under --max-old-space-size=128 held every view until the end, ran out of heap and started
 * again from nothing, in a loop (docs/operations.md, Memory limits).
 */
const bulkBudgetBytes = (): number => getHeapStatistics().heap_size_limit / 8;
/**
 * Heap for the views a projection keeps in memory. A budget, not a count: a view's size varies fivefold (a usage
 * view with its 48 hourly counts). 5,000 views (5 MB) was a count too small for a uniform rotation over 10,000 keys,
 * under which an LRU keeps none it is asked for again; each miss is a read (on FerretDB 1.24 a whole-collection scan).
 */
const RECENT_VIEW_BYTES = 32 * 1024 * 1024;
/** A view of a few short fields with its Map entry, as measured on Node 20 (a key's view: 1,048 bytes). */
const DEFAULT_VIEW_BYTES = 1024;

/** A projection that folds each batch into the views it touches and saves them with the batch's last position. */
export class ViewProjection<V extends { revision: number }> implements Projection {
  readonly name: string;
  readonly eventTypes: readonly string[];
  readonly readsUnknownTypesIn?: string;
  /** In bulk mode (rebuilds): views read or changed since the last write, those changed, and those the store held when read. */
  private bulk: { views: Map<string, V>; changed: Set<string>; stored: Set<string>; position: number | null; bytes: number } | null = null;
  /** Views as stored after the last successful write (only with keepsRecentViews). */
  private readonly recent: RecentViews<V> | null;
  private readonly viewBytes = (view: V): number => this.definition.viewBytes?.(view) ?? DEFAULT_VIEW_BYTES;

  constructor(
    private readonly definition: ViewProjectionDefinition<V>,
    private readonly store: ViewStore<V>,
    /**
     * Told of the views a batch touched once it is stored, each as the store holds it or newer (ProjectionContext.publish);
     * in bulk mode, of those changed. Never of one a failed write left out.
     */
    private readonly onWritten?: (views: readonly V[]) => void,
    /** The heap the views held by a bulk fill may take before they are written (bulkBudgetBytes unless told). */
    private readonly bulkBytes = bulkBudgetBytes(),
  ) {
    this.name = definition.name;
    this.eventTypes = definition.eventTypes;
    this.readsUnknownTypesIn = definition.readsUnknownTypesIn;
    this.recent = definition.keepsRecentViews ? new RecentViews(RECENT_VIEW_BYTES, this.viewBytes) : null;
  }

  /**
   * Read when the projection (re)starts, possibly on another generation of its store: what was kept is dropped,
   * and so is a bulk fill that was stopped or failed before its end (what it held unwritten is after the checkpoint,
   * so it is read again); else every later batch would be held back too.
   */
  checkpoint(): Promise<number | null> {
    this.recent?.clear();
    this.bulk = null;
    this.store.stopWrites?.(false);
    return this.store.getCheckpoint();
  }

  /** The runner stops: a batch being written gives up (ViewStore.stopWrites), and is read again at the next start. */
  stop(): void {
    this.store.stopWrites?.(true);
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.bulk) return this.handleInBulk(events, this.bulk);
    const kept = this.keptViews(events);
    const views = await this.store.getMany(this.idsToLookUp(events, (id) => kept.has(id)));
    for (const [id, view] of kept) views.set(id, view);
    const stored = new Set(views.keys());
    const changed = new Map<string, V>();
    for (const event of events) {
      const id = this.definition.viewIdOf(event);
      const before = views.get(id);
      const after = this.fold(before, event);
      if (after) {
        views.set(id, after);
        changed.set(id, after);
      }
    }
    try {
      await this.write(changed, stored, events[events.length - 1].position);
    } catch (error) {
      // Kept views may hold this batch's events, folded in place: the store's are the ones to fold into again.
      this.recent?.clear();
      throw error;
    }
    if (this.recent) for (const [id, view] of views) this.recent.set(id, view);
    // Also the views the batch did not change: another instance projecting into the same store may have stored
    // them further on, and this instance's receiver would otherwise not learn of it until a later change here.
    if (views.size > 0) this.onWritten?.([...views.values()]);
  }

  /** The view after the event when the event changed it (a new view, or a later revision); undefined otherwise. */
  private fold(before: V | undefined, event: RecordedEvent): V | undefined {
    const revision = before?.revision;
    const after = this.definition.apply(before, event);
    return after !== undefined && (after !== before || after.revision !== revision) ? after : undefined;
  }

  /** Kept views that the batch's first event of each continues (its revision is the next, or one already folded in). */
  private keptViews(events: readonly RecordedEvent[]): Map<string, V> {
    const kept = new Map<string, V>();
    const { recent, definition } = this;
    if (!recent) return kept;
    const seen = new Set<string>();
    for (const event of events) {
      const id = definition.viewIdOf(event);
      if (seen.has(id)) continue;
      seen.add(id);
      const view = recent.get(id);
      if (view !== undefined && view.revision >= event.revision - 1) kept.set(id, view);
    }
    return kept;
  }

  /**
   * Saves the changed views with the checkpoint. When the store can, those it did not hold when they were read
   * are inserted first: a new key's view, and nearly every view of a rebuild, is an insert, not an upsert.
   */
  private async write(changed: ReadonlyMap<string, V>, stored: ReadonlySet<string>, position: number): Promise<void> {
    if (!this.store.insertNew) await this.store.save([...changed.values()], position);
    else {
      const fresh: V[] = [];
      const held: V[] = [];
      for (const [id, view] of changed) (stored.has(id) ? held : fresh).push(view);
      if (fresh.length > 0) await this.store.insertNew(fresh);
      await this.store.save(held, position);
    }
  }

  /** The views the batch touches, less those it starts itself (startsView) and those `known` already. */
  private idsToLookUp(events: readonly RecordedEvent[], known: (id: string) => boolean): string[] {
    const firstEvents = new Map<string, RecordedEvent>();
    for (const event of events) {
      const id = this.definition.viewIdOf(event);
      if (!firstEvents.has(id)) firstEvents.set(id, event);
    }
    const starts = this.definition.startsView;
    return [...firstEvents].filter(([id, first]) => !known(id) && !starts?.(first)).map(([id]) => id);
  }

  beginBulk(): void {
    this.recent?.clear();
    this.bulk = { views: new Map(), changed: new Set(), stored: new Set(), position: null, bytes: 0 };
  }

  async endBulk(): Promise<void> {
    if (this.bulk) await this.flushBulk(this.bulk);
    this.bulk = null;
  }

  private async handleInBulk(events: readonly RecordedEvent[], bulk: NonNullable<typeof this.bulk>): Promise<void> {
    const missing = this.idsToLookUp(events, (id) => bulk.views.has(id));
    if (missing.length > 0) {
      for (const [id, view] of await this.store.getMany(missing)) {
        bulk.views.set(id, view);
        bulk.stored.add(id);
        bulk.bytes += this.viewBytes(view);
      }
    }
    for (const event of events) {
      const id = this.definition.viewIdOf(event);
      const before = bulk.views.get(id);
      // Measured before the fold: a view may be changed in place.
      const bytesBefore = before === undefined ? 0 : this.viewBytes(before);
      const after = this.fold(before, event);
      if (after) {
        bulk.views.set(id, after);
        bulk.changed.add(id);
        bulk.bytes += this.viewBytes(after) - bytesBefore;
      }
    }
    bulk.position = events[events.length - 1].position;
    if (bulk.changed.size >= BULK_FLUSH_AT || bulk.bytes >= this.bulkBytes) await this.flushBulk(bulk);
  }

  private async flushBulk(bulk: NonNullable<typeof this.bulk>): Promise<void> {
    if (bulk.position === null) return;
    const changed = new Map([...bulk.changed].map((id) => [id, bulk.views.get(id)!]));
    await this.write(changed, bulk.stored, bulk.position);
    if (changed.size > 0) this.onWritten?.([...changed.values()]);
    bulk.views.clear();
    bulk.changed.clear();
    bulk.stored.clear();
    bulk.bytes = 0;
  }

  saveCheckpoint(position: number): Promise<void> {
    return this.store.save([], position);
  }

  /** Views cannot be taken back to a position: they are emptied, and filled again from the start of the log. */
  async startOverWithin(): Promise<null> {
    this.recent?.clear();
    this.bulk = null;
    await this.store.reset();
    return null;
  }
}
