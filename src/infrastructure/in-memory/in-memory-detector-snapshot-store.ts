import type { DetectorSnapshot, DetectorSnapshotStore } from '../../anomalies/detection/detector-snapshot-store.port.js';

/** For tests: the snapshot's parts in a field, lost with the process. */
export class InMemoryDetectorSnapshotStore implements DetectorSnapshotStore {
  private snapshot: { position: number; parts: string[] } | null = null;

  async load(): Promise<{ position: number; parts: string[] } | null> {
    return this.snapshot && { position: this.snapshot.position, parts: [...this.snapshot.parts] };
  }

  async save({ position, parts }: DetectorSnapshot): Promise<void> {
    const held: string[] = [];
    for await (const part of parts) held.push(part);
    this.snapshot = { position, parts: held };
  }

  async clear(): Promise<void> {
    this.snapshot = null;
  }

  async close(): Promise<void> {}
}
