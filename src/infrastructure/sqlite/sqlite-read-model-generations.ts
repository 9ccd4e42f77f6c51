import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  assertBeingBuilt,
  assertDroppable,
  FIRST_GENERATION,
  type GenerationState,
  type ReadModelGenerations,
} from '../../shared/storage/read-model-generations.js';
import { openReadModelDatabase } from './read-model-database.js';

const VIEW_FILE = /^read-model\.g(\d+)\.sqlite$/;

/**
 * Where a generation's views live in DATA_DIR: the first in the read-model file itself (as before generations
 * existed), each later one in a file of its own, so dropping it is deleting the file.
 */
export function viewFileOf(dataDir: string, mainFile: string, generation: number): string {
  return generation === 0 ? mainFile : join(dataDir, `read-model.g${generation}.sqlite`);
}

interface GenerationRow {
  live: number;
  building: number | null;
}

/** The generation pointer in a one-row table of the main read-model file: every write is one transaction. */
export class SqliteReadModelGenerations implements ReadModelGenerations {
  private readonly db: Database.Database;

  constructor(
    private readonly dataDir: string,
    private readonly mainFile: string,
    /** Empties generation 0's views, which share the main file with stores that have no generation. */
    private readonly resetFirstGeneration: () => Promise<void>,
  ) {
    this.db = openReadModelDatabase(mainFile);
    this.db.exec('CREATE TABLE IF NOT EXISTS generations (id INTEGER PRIMARY KEY CHECK (id = 1), live INTEGER NOT NULL, building INTEGER)');
    this.db.exec('CREATE TABLE IF NOT EXISTS log_identity (id INTEGER PRIMARY KEY CHECK (id = 1), event_id TEXT NOT NULL)');
  }

  /** Synchronous, for the storage's constructor: the thread opens its views at the live generation. */
  readNow(): GenerationState {
    const row = this.db.prepare<[], GenerationRow>('SELECT live, building FROM generations WHERE id = 1').get();
    return row ? { live: row.live, building: row.building } : { ...FIRST_GENERATION };
  }

  async read(): Promise<GenerationState> {
    return this.readNow();
  }

  async startBuilding(generation: number): Promise<void> {
    this.write({ ...this.readNow(), building: generation });
  }

  async switchTo(generation: number): Promise<void> {
    const state = this.readNow();
    assertBeingBuilt(state, generation);
    this.write({ live: generation, building: null });
  }

  async stored(): Promise<number[]> {
    const files = readdirSync(this.dataDir).flatMap((name) => {
      const match = VIEW_FILE.exec(name);
      return match ? [Number(match[1])] : [];
    });
    return [0, ...files].sort((a, b) => a - b);
  }

  async drop(generation: number): Promise<void> {
    assertDroppable(this.readNow(), generation);
    if (generation === 0) return this.resetFirstGeneration();
    const file = viewFileOf(this.dataDir, this.mainFile, generation);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  }

  async logIdentity(): Promise<string | null> {
    return this.db.prepare<[], { event_id: string }>('SELECT event_id FROM log_identity WHERE id = 1').get()?.event_id ?? null;
  }

  async recordLogIdentity(identity: string): Promise<string> {
    this.db.prepare('INSERT INTO log_identity (id, event_id) VALUES (1, ?) ON CONFLICT (id) DO NOTHING').run(identity);
    return (await this.logIdentity())!;
  }

  close(): void {
    this.db.close();
  }

  private write(state: GenerationState): void {
    this.db
      .prepare('INSERT INTO generations (id, live, building) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET live = excluded.live, building = excluded.building')
      .run(state.live, state.building);
  }
}
