/** The detector's state as of a log position, so that a restart resumes there instead of replaying the log. */
export interface DetectorSnapshot {
  position: number;
  /**
   * detectorSnapshotParts' texts, in order, each bounded: a store writes each as it comes and hands them back one at a
   * time, so that neither a save nor a load holds the whole snapshot (a version-7 snapshot is one part, its whole text).
   */
  parts: Iterable<string> | AsyncIterable<string>;
}

/** Where the anomaly detector keeps its latest snapshot. Losing it costs a replay, never an alert. */
export interface DetectorSnapshotStore {
  /** The parts are read as they are taken: take them before the next save. */
  load(): Promise<DetectorSnapshot | null>;
  /**
   * Replaces the snapshot as a whole: a load never sees half of one, and a save that fails or is cut off part-way
   * (its parts throw, the process ends) leaves the previous snapshot loadable.
   */
  save(snapshot: DetectorSnapshot): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}
