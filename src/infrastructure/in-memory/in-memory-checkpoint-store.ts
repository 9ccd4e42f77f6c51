import type { CheckpointStore, DeliveryFailures } from '../../anomalies/delivery/checkpoint-store.port.js';

/** For tests: checkpoints in a Map, lost with the process. */
export class InMemoryCheckpointStore implements CheckpointStore {
  readonly positions = new Map<string, number>();
  private readonly leases = new Map<string, { holder: string; untilMs: number }>();
  private readonly failing = new Map<string, DeliveryFailures>();

  async get(name: string): Promise<number | null> {
    return this.positions.get(name) ?? null;
  }

  async save(name: string, position: number): Promise<void> {
    this.positions.set(name, Math.max(position, this.positions.get(name) ?? position));
  }

  async rewind(name: string, position: number): Promise<void> {
    if (this.positions.has(name)) this.positions.set(name, position);
  }

  async lease(name: string, holder: string, nowMs: number, untilMs: number): Promise<boolean> {
    const held = this.leases.get(name);
    if (held !== undefined && held.holder !== holder && held.untilMs > nowMs) return false;
    this.leases.set(name, { holder, untilMs });
    return true;
  }

  async leaseHolder(name: string): Promise<{ holder: string; untilMs: number } | null> {
    return this.leases.get(name) ?? null;
  }

  async failures(name: string): Promise<DeliveryFailures | null> {
    return this.failing.get(name) ?? null;
  }

  async saveFailures(name: string, failures: DeliveryFailures | null): Promise<void> {
    if (failures === null) this.failing.delete(name);
    else this.failing.set(name, { ...failures });
  }

  async close(): Promise<void> {}
}
