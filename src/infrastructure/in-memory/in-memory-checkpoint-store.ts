import type { CheckpointStore } from '../../anomalies/delivery/checkpoint-store.port.js';

/** For tests: checkpoints in a Map, lost with the process. */
export class InMemoryCheckpointStore implements CheckpointStore {
  readonly positions = new Map<string, number>();

  async get(name: string): Promise<number | null> {
    return this.positions.get(name) ?? null;
  }

  async save(name: string, position: number): Promise<void> {
    this.positions.set(name, Math.max(position, this.positions.get(name) ?? position));
  }

  async close(): Promise<void> {}
}
