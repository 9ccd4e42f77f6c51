import Database from 'better-sqlite3';

/**
 * Damage SQLite reports as SQLITE_CORRUPT ("malformed database schema"), made in the embedded log `file` by another
 * connection, as a restore over a running service makes it: the log's indexes pointed at the table's root page.
 * Answers the repair.
 */
export function damageLogIndexes(file: string): () => void {
  const other = new Database(file);
  other.unsafeMode(true); // writable_schema
  const roots = other.prepare<[], { name: string; rootpage: number }>("SELECT name, rootpage FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'").all();
  const tableRoot = other.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'events'").pluck().get();
  const rewrite = (rootOf: (rootpage: number) => unknown) => {
    const version = other.pragma('schema_version', { simple: true }) as number;
    other.pragma('writable_schema = ON');
    for (const { name, rootpage } of roots) other.prepare('UPDATE sqlite_schema SET rootpage = ? WHERE name = ?').run(rootOf(rootpage), name);
    other.pragma('writable_schema = OFF');
    other.pragma(`schema_version = ${version + 1}`);
  };
  rewrite(() => tableRoot);
  return () => {
    rewrite((rootpage) => rootpage);
    other.close();
  };
}
