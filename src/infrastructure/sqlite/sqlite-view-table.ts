import type Database from 'better-sqlite3';
import type { ViewStore } from '../../shared/projections/view-projection.js';
import { openReadModelDatabase } from './read-model-database.js';

export interface ViewTableMapping<V, Row> {
  table: string;
  idColumn: string;
  projection: string;
  schema: string;
  /** An INSERT … ON CONFLICT DO UPDATE … WHERE excluded.revision > <table>.revision, its parameters bound from toParameters. */
  upsert: string;
  /** Run after the schema, in the same write transaction, before any statement is prepared: adds what an older read model lacks. */
  beforeStatements?(db: Database.Database): void;
  /** By name (an object), or by position (an array in the order of the upsert's `?`s). */
  toParameters(view: V): Record<string, unknown> | readonly unknown[];
  toView(row: Row): V;
}

/**
 * A projection's views in one table of the embedded read-model file, saved with the projection's
 * checkpoint in one transaction.
 */
export class SqliteViewTable<V, Row> implements ViewStore<V> {
  protected readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly checkpoint: Database.Statement<[string], { position: number }>;
  private readonly saveCheckpoint: Database.Statement<[string, number]>;
  private readonly saveTx: (views: readonly V[], checkpoint: number) => void;

  constructor(
    file: string,
    protected readonly mapping: ViewTableMapping<V, Row>,
  ) {
    this.db = openReadModelDatabase(file);
    // Under the write lock, taken before anything is read: instances started together on one new DATA_DIR would
    // otherwise both find a column missing, and the second to add it would fail to start (duplicate column name).
    this.db
      .transaction(() => {
        this.db.exec(mapping.schema);
        mapping.beforeStatements?.(this.db);
      })
      .immediate();
    this.upsert = this.db.prepare(mapping.upsert);
    this.checkpoint = this.db.prepare('SELECT position FROM checkpoints WHERE projection = ?');
    this.saveCheckpoint = this.db.prepare(`
      INSERT INTO checkpoints (projection, position) VALUES (?, ?)
      ON CONFLICT (projection) DO UPDATE SET position = excluded.position WHERE excluded.position > checkpoints.position`);
    this.saveTx = this.db.transaction((views: readonly V[], checkpoint: number) => {
      for (const view of views) this.upsert.run(mapping.toParameters(view));
      this.saveCheckpoint.run(mapping.projection, checkpoint);
    });
  }

  async getMany(ids: readonly string[]): Promise<Map<string, V>> {
    const found = new Map<string, V>();
    if (ids.length === 0) return found;
    const { table, idColumn } = this.mapping;
    const rows = this.db
      .prepare<string[], Row>(`SELECT * FROM ${table} WHERE ${idColumn} IN (${ids.map(() => '?').join(',')})`)
      .all(...ids);
    for (const row of rows) found.set((row as Record<string, string>)[idColumn], this.mapping.toView(row));
    return found;
  }

  async save(views: readonly V[], checkpoint: number): Promise<void> {
    this.saveTx(views, checkpoint);
  }

  async getCheckpoint(): Promise<number | null> {
    return this.checkpoint.get(this.mapping.projection)?.position ?? null;
  }

  async reset(): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM ${this.mapping.table}`).run();
      this.db.prepare('DELETE FROM checkpoints WHERE projection = ?').run(this.mapping.projection);
    })();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
