import type { ReadModelGenerations } from './read-model-generations.js';

/** The read-model storage of one thread (or process): opens each store once, on one connection, and owns them. */
export const READ_MODEL_STORAGE = Symbol('READ_MODEL_STORAGE');

/**
 * What every storage technology (SQLite, MongoDB, in memory) offers whatever the features: each feature
 * declares the stores it needs in its own `<feature>.storage.ts` interface, and each technology's storage
 * implements all of them (src/infrastructure/<technology>/*-read-model-storage.ts).
 */
export interface ReadModelStorage {
  /** The generation of the rebuildable read models this storage opened (see read-model-generations.ts). */
  readonly generation: number;
  /** The generation pointer of this storage's place (file or database), shared by every process using it. */
  generations(): ReadModelGenerations;
  /** Resolves when the storage answers: for the readiness probe. */
  ping(): Promise<void>;
  /** Closes every store it opened, then its connection. */
  close(): Promise<void>;
}
