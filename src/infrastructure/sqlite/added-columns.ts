import type Database from 'better-sqlite3';

/**
 * Adds to `table` each of `columns` (name: its SQL type and default) it lacks: a read model written by an
 * earlier version gets them on open. Run where SqliteViewTable runs beforeStatements, under the write lock.
 */
export function addMissingColumns(db: Database.Database, table: string, columns: Readonly<Record<string, string>>): void {
  const present = new Set(db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table).map((column) => column.name));
  for (const [column, type] of Object.entries(columns)) {
    if (!present.has(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}
