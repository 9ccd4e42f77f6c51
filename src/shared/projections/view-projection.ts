import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';

/** Where a projection keeps its views (one per id) and its checkpoint, together. */
export interface ViewStore<V> {
  getMany(ids: readonly string[]): Promise<Map<string, V>>;
  /** Stores the views, each only if newer than the stored one, then the checkpoint. */
  save(views: readonly V[], checkpoint: number): Promise<void>;
  getCheckpoint(): Promise<number | null>;
  reset(): Promise<void>;
  /**
   * Optional, for rebuilds: stores views that the store did not hold when they were read, without the
   * checkpoint (a save() follows). A store may write these faster than save() can (MongoDB inserts instead of
   * revision-guarded upserts), but must still end up as save() would if one exists by then (a retried flush).
   */
  insertNew?(views: readonly V[]): Promise<void>;
}

export interface ViewProjectionDefinition<V> {
  name: string;
  eventTypes: readonly string[];
  /** Which view an event belongs to. */
  viewIdOf(event: RecordedEvent): string;
  /** Pure: the view after the event; returns the same object when the event was already applied. */
  apply(view: V | undefined, event: RecordedEvent): V | undefined;
}

/** Views held back in bulk mode before they are written. */
const BULK_FLUSH_AT = 50_000;

/** A projection that folds each batch into the views it touches and saves them with the batch's last position. */
export class ViewProjection<V> implements Projection {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** In bulk mode (rebuilds): views read or changed since the last write, those changed, and those the store held when read. */
  private bulk: { views: Map<string, V>; changed: Set<string>; stored: Set<string>; position: number | null } | null = null;

  constructor(
    private readonly definition: ViewProjectionDefinition<V>,
    private readonly store: ViewStore<V>,
  ) {
    this.name = definition.name;
    this.eventTypes = definition.eventTypes;
  }

  checkpoint(): Promise<number | null> {
    return this.store.getCheckpoint();
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.bulk) return this.handleInBulk(events, this.bulk);
    const ids = [...new Set(events.map((e) => this.definition.viewIdOf(e)))];
    const views = await this.store.getMany(ids);
    const changed = new Map<string, V>();
    for (const event of events) {
      const id = this.definition.viewIdOf(event);
      const before = views.get(id);
      const after = this.definition.apply(before, event);
      if (after && after !== before) {
        views.set(id, after);
        changed.set(id, after);
      }
    }
    await this.store.save([...changed.values()], events[events.length - 1].position);
  }

  beginBulk(): void {
    this.bulk = { views: new Map(), changed: new Set(), stored: new Set(), position: null };
  }

  async endBulk(): Promise<void> {
    if (this.bulk) await this.flushBulk(this.bulk);
    this.bulk = null;
  }

  private async handleInBulk(events: readonly RecordedEvent[], bulk: NonNullable<typeof this.bulk>): Promise<void> {
    const missing = [...new Set(events.map((e) => this.definition.viewIdOf(e)))].filter((id) => !bulk.views.has(id));
    if (missing.length > 0) {
      for (const [id, view] of await this.store.getMany(missing)) {
        bulk.views.set(id, view);
        bulk.stored.add(id);
      }
    }
    for (const event of events) {
      const id = this.definition.viewIdOf(event);
      const before = bulk.views.get(id);
      const after = this.definition.apply(before, event);
      if (after && after !== before) {
        bulk.views.set(id, after);
        bulk.changed.add(id);
      }
    }
    bulk.position = events[events.length - 1].position;
    if (bulk.changed.size >= BULK_FLUSH_AT) await this.flushBulk(bulk);
  }

  private async flushBulk(bulk: NonNullable<typeof this.bulk>): Promise<void> {
    if (bulk.position === null) return;
    const changed = [...bulk.changed];
    if (this.store.insertNew) {
      // A rebuild starts from an empty store: nearly every view is new, and can be inserted rather than upserted.
      const fresh = changed.filter((id) => !bulk.stored.has(id));
      await this.store.insertNew(fresh.map((id) => bulk.views.get(id)!));
      await this.store.save(changed.filter((id) => bulk.stored.has(id)).map((id) => bulk.views.get(id)!), bulk.position);
    } else {
      await this.store.save(changed.map((id) => bulk.views.get(id)!), bulk.position);
    }
    bulk.views.clear();
    bulk.changed.clear();
    bulk.stored.clear();
  }

  saveCheckpoint(position: number): Promise<void> {
    return this.store.save([], position);
  }

  reset(): Promise<void> {
    return this.store.reset();
  }
}
