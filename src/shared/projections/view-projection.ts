import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';

/** Where a projection keeps its views (one per id) and its checkpoint, together. */
export interface ViewStore<V> {
  getMany(ids: readonly string[]): Promise<Map<string, V>>;
  /** Stores the views, each only if newer than the stored one, then the checkpoint. */
  save(views: readonly V[], checkpoint: number): Promise<void>;
  getCheckpoint(): Promise<number | null>;
  reset(): Promise<void>;
}

export interface ViewProjectionDefinition<V> {
  name: string;
  eventTypes: readonly string[];
  /** Which view an event belongs to. */
  viewIdOf(event: RecordedEvent): string;
  /** Pure: the view after the event; returns the same object when the event was already applied. */
  apply(view: V | undefined, event: RecordedEvent): V | undefined;
}

/** A projection that folds each batch into the views it touches and saves them with the batch's last position. */
export class ViewProjection<V> implements Projection {
  readonly name: string;
  readonly eventTypes: readonly string[];

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

  saveCheckpoint(position: number): Promise<void> {
    return this.store.save([], position);
  }

  reset(): Promise<void> {
    return this.store.reset();
  }
}
