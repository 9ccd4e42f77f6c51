/**
 * Blue/green rebuilds. The rebuildable read models (the views) are stored by generation: the service reads and
 * follows the live one, and a rebuild fills the next one beside it, resumes it after a crash, and makes it live
 * in one write once it has caught up with the log. The stores that are not rebuilt (detector snapshot,
 * delivery positions) belong to no generation.
 */
export interface GenerationState {
  /** The generation the service opens. */
  live: number;
  /** A rebuild under way (or interrupted, to be resumed), never served. */
  building: number | null;
}

export interface ReadModelGenerations {
  read(): Promise<GenerationState>;
  /** Records that `generation` is being built: a rebuild started again after a crash resumes it. */
  startBuilding(generation: number): Promise<void>;
  /** Makes the generation being built the live one, in one write. */
  switchTo(generation: number): Promise<void>;
  /** The generations that have anything stored, live and building included. */
  stored(): Promise<number[]>;
  /** Deletes everything a generation stored. Refuses the live one and the one being built. */
  drop(generation: number): Promise<void>;
  /**
   * The identity of the event log these read models follow (see app/storage/log-identity.ts), or null while none is
   * recorded (a new place, or one kept from before identities were recorded).
   */
  logIdentity(): Promise<string | null>;
  /** Records `identity` unless one is recorded already, and returns the one recorded (a concurrent start's wins). */
  recordLogIdentity(identity: string): Promise<string>;
}

export const FIRST_GENERATION: GenerationState = { live: 0, building: null };

/** The generation a new rebuild fills: one above any that exists, so it never starts on another's leftovers. */
export function nextGeneration(state: GenerationState, stored: readonly number[]): number {
  return Math.max(state.live, state.building ?? 0, ...stored) + 1;
}

/** Refuses to drop what the service serves or a rebuild is filling. */
export function assertDroppable(state: GenerationState, generation: number): void {
  if (generation === state.live || generation === state.building) {
    throw new Error(`Read-model generation ${generation} is ${generation === state.live ? 'live' : 'being built'}: it cannot be dropped`);
  }
}

/**
 * Refuses to make live a generation that is not the one being built. What that means for the operator: two replays
 * ran at once (each filling the generation it found), and the other one switched first or started another.
 */
export function assertBeingBuilt(state: GenerationState, generation: number): void {
  if (state.building === generation) return;
  const why =
    state.live === generation
      ? 'another replay, run at the same time, finished it and made it live first'
      : `another replay is running or ran at the same time (live: ${state.live}, being built: ${state.building ?? 'none'})`;
  throw new Error(`Read-model generation ${generation} is not the one being built: ${why}. Run one replay at a time.`);
}
