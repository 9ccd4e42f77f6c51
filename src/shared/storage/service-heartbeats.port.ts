/** One running service, as it last said so. */
export interface ServiceHeartbeat {
  /** Unique per process: host, pid and a random part. */
  holder: string;
  host: string;
  pid: number;
  beatAt: Date;
}

/**
 * Where each running service says, every few seconds, that it is using the read-model storage, so that an
 * offline command (replay) can refuse to run under it. Kept apart from the read models themselves, so that
 * however a rebuild writes (in place, or into a new store it then swaps in), the heartbeats stay.
 */
export interface ServiceHeartbeats {
  beat(heartbeat: ServiceHeartbeat): Promise<void>;
  /** A clean stop: the holder is gone at once, not only once its last beat is stale. */
  end(holder: string): Promise<void>;
  /**
   * Removes these holders' heartbeats: those of crashed services, as a running service found them standing still
   * (judged by its monotonic clock: a beat's time is by its writer's clock, which another's may not agree with).
   */
  forget(holders: readonly string[]): Promise<void>;
  /** Every heartbeat at or after `since`. */
  since(since: Date): Promise<ServiceHeartbeat[]>;
  close(): Promise<void>;
}
