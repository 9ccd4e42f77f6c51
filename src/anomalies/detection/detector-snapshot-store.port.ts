/** The detector's state as of a log position, so that a restart resumes there instead of replaying the log. */
export interface DetectorSnapshot {
  position: number;
  /** serializeDetectorState's text. */
  state: string;
}

/** Where the anomaly detector keeps its latest snapshot. Losing it costs a replay, never an alert. */
export interface DetectorSnapshotStore {
  load(): Promise<DetectorSnapshot | null>;
  /** Replaces the snapshot as a whole: a load never sees half of one. */
  save(snapshot: DetectorSnapshot): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}
