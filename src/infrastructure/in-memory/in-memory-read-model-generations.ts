import {
  assertBeingBuilt,
  assertDroppable,
  FIRST_GENERATION,
  type GenerationState,
  type ReadModelGenerations,
} from '../../shared/storage/read-model-generations.js';
import { InMemoryAlertReadModel } from './in-memory-alert-read-model.js';
import { InMemoryApiKeyReadModel } from './in-memory-api-key-read-model.js';
import { InMemoryAuditLogReadModel } from './in-memory-audit-log-read-model.js';
import { InMemoryCheckpointStore } from './in-memory-checkpoint-store.js';
import { InMemoryDetectorSnapshotStore } from './in-memory-detector-snapshot-store.js';
import { InMemoryKeyUsageReadModel } from './in-memory-key-usage-read-model.js';

/** One generation's views. */
export class InMemoryGenerationViews {
  readonly apiKeys = new InMemoryApiKeyReadModel();
  readonly keyUsage = new InMemoryKeyUsageReadModel();
  readonly alerts = new InMemoryAlertReadModel();
  readonly auditLog = new InMemoryAuditLogReadModel();
}

/** What several in-memory storages of one process share, as processes share a file or a database. */
export class InMemoryReadModelPlace implements ReadModelGenerations {
  /** The stores that belong to no generation. */
  readonly detectorSnapshot = new InMemoryDetectorSnapshotStore();
  readonly deliveries = new InMemoryCheckpointStore();
  private state: GenerationState = { ...FIRST_GENERATION };
  private identity: string | null = null;
  private readonly generations = new Map<number, InMemoryGenerationViews>();

  viewsOf(generation: number): InMemoryGenerationViews {
    let views = this.generations.get(generation);
    if (!views) this.generations.set(generation, (views = new InMemoryGenerationViews()));
    return views;
  }

  async read(): Promise<GenerationState> {
    return { ...this.state };
  }

  async startBuilding(generation: number): Promise<void> {
    this.state = { ...this.state, building: generation };
  }

  async switchTo(generation: number): Promise<void> {
    assertBeingBuilt(this.state, generation);
    this.state = { live: generation, building: null };
  }

  async stored(): Promise<number[]> {
    return [...this.generations.keys()].sort((a, b) => a - b);
  }

  async drop(generation: number): Promise<void> {
    assertDroppable(this.state, generation);
    this.generations.delete(generation);
  }

  async logIdentity(): Promise<string | null> {
    return this.identity;
  }

  async recordLogIdentity(identity: string): Promise<string> {
    this.identity ??= identity;
    return this.identity;
  }
}
