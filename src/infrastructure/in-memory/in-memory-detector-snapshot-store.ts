import type { DetectorSnapshot, DetectorSnapshotStore } from '../../anomalies/detection/detector-snapshot-store.port.js';

/** For tests: the snapshot in a field, lost with the process. */
export class InMemoryDetectorSnapshotStore implements DetectorSnapshotStore {
  private snapshot: DetectorSnapshot | null = null;

  async load(): Promise<DetectorSnapshot | null> {
    return this.snapshot && { ...this.snapshot };
  }

  async save(snapshot: DetectorSnapshot): Promise<void> {
    this.snapshot = { ...snapshot };
  }

  async clear(): Promise<void> {
    this.snapshot = null;
  }

  async close(): Promise<void> {}
}
