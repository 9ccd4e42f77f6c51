import type Database from 'better-sqlite3';
import { openSharedDatabase } from './shared-database.js';
import type { CheckpointStore, DeliveryFailures } from '../../anomalies/delivery/checkpoint-store.port.js';
import { StoreDamagedError } from '../../shared/storage/store-damaged.error.js';
import { isCorruptDatabase } from './sqlite-error-codes.js';

/** What to do with a damaged deliveries.sqlite: it holds only the webhook's position, which the log cannot rebuild. */
const RESTORE_OR_REMOVE =
  'Restore it from a backup (<copy>.deliveries.sqlite) or remove it: delivery then starts at the end of the log, ' +
  'alerts not yet delivered are never sent';

/**
 * Positions of side-effecting projections (webhook delivery) in their own file, apart from the read
 * models, so deleting and rebuilding the read models never re-sends what was already delivered.
 * A damaged file is named in the error (a start ends on it), with what to do.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database.Database;

  constructor(private readonly file: string) {
    this.db = this.named(() => {
      const db = openSharedDatabase(file);
      try {
        db.exec('CREATE TABLE IF NOT EXISTS delivered (name TEXT PRIMARY KEY, position INTEGER NOT NULL)');
        db.exec('CREATE TABLE IF NOT EXISTS delivery_leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until_ms INTEGER NOT NULL)');
        db.exec('CREATE TABLE IF NOT EXISTS delivery_failures (name TEXT PRIMARY KEY, alert_id TEXT NOT NULL, attempts INTEGER NOT NULL, last_at_ms INTEGER NOT NULL)');
      } catch (error) {
        db.close();
        throw error;
      }
      return db;
    });
  }

  async get(name: string): Promise<number | null> {
    const row = this.named(() => this.db.prepare<[string], { position: number }>('SELECT position FROM delivered WHERE name = ?').get(name));
    return row?.position ?? null;
  }

  async save(name: string, position: number): Promise<void> {
    this.named(() =>
      this.db
        .prepare(
          `INSERT INTO delivered (name, position) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position WHERE excluded.position > delivered.position`,
        )
        .run(name, position),
    );
  }

  async rewind(name: string, position: number): Promise<void> {
    this.named(() => this.db.prepare('UPDATE delivered SET position = ? WHERE name = ?').run(position, name));
  }

  async lease(name: string, holder: string, nowMs: number, untilMs: number): Promise<boolean> {
    const taken = this.named(() =>
      this.db
        .prepare(
          `INSERT INTO delivery_leases (name, holder, until_ms) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
         WHERE delivery_leases.holder = excluded.holder OR delivery_leases.until_ms <= ?`,
        )
        .run(name, holder, untilMs, nowMs),
    );
    return taken.changes === 1;
  }

  async leaseHolder(name: string): Promise<{ holder: string; untilMs: number } | null> {
    const row = this.named(() =>
      this.db.prepare<[string], { holder: string; until_ms: number }>('SELECT holder, until_ms FROM delivery_leases WHERE name = ?').get(name),
    );
    return row ? { holder: row.holder, untilMs: row.until_ms } : null;
  }

  async failures(name: string): Promise<DeliveryFailures | null> {
    const row = this.named(() =>
      this.db
        .prepare<[string], { alert_id: string; attempts: number; last_at_ms: number }>('SELECT alert_id, attempts, last_at_ms FROM delivery_failures WHERE name = ?')
        .get(name),
    );
    return row ? { alertId: row.alert_id, attempts: row.attempts, lastAtMs: row.last_at_ms } : null;
  }

  async saveFailures(name: string, failures: DeliveryFailures | null): Promise<void> {
    this.named(() => {
      if (failures === null) return this.db.prepare('DELETE FROM delivery_failures WHERE name = ?').run(name);
      return this.db
        .prepare(
          `INSERT INTO delivery_failures (name, alert_id, attempts, last_at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET alert_id = excluded.alert_id, attempts = excluded.attempts, last_at_ms = excluded.last_at_ms`,
        )
        .run(name, failures.alertId, failures.attempts, failures.lastAtMs);
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** SQLite's bare "file is not a database" named no file: the start ended on it without saying which. */
  private named<T>(statement: () => T): T {
    try {
      return statement();
    } catch (error) {
      if (!isCorruptDatabase(error)) throw error;
      throw new StoreDamagedError(`The webhook's delivery position ${this.file}`, error, { advice: RESTORE_OR_REMOVE });
    }
  }
}
