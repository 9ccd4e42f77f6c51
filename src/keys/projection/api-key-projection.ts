import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { Projection } from '../../shared/projections/projection.js';
import { API_KEY_EVENT_TYPES } from '../domain/api-key-events.js';
import type { ApiKeyReadModel } from './api-key-read-model.port.js';
import { applyToApiKeyView, type ApiKeyView } from './api-key-view.js';

export class ApiKeyProjection implements Projection {
  readonly name = 'api-keys';
  readonly eventTypes = API_KEY_EVENT_TYPES;

  constructor(private readonly readModel: ApiKeyReadModel) {}

  checkpoint(): Promise<number | null> {
    return this.readModel.getCheckpoint();
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const ids = [...new Set(events.map((e) => e.data.keyId as string))];
    const views = await this.readModel.getMany(ids);
    const changed = new Map<string, ApiKeyView>();
    for (const event of events) {
      const id = event.data.keyId as string;
      const before = views.get(id);
      const after = applyToApiKeyView(before, event);
      if (after && after !== before) {
        views.set(id, after);
        changed.set(id, after);
      }
    }
    await this.readModel.save([...changed.values()], events[events.length - 1].position);
  }

  saveCheckpoint(position: number): Promise<void> {
    return this.readModel.save([], position);
  }

  reset(): Promise<void> {
    return this.readModel.reset();
  }
}
