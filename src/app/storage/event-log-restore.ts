import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDataDirectory } from '../../infrastructure/sqlite/data-directory.js';
import { checkEventLogBackup, holdEventLog, keepPositionsOfReplacedLog, type EventLogSummary } from '../../infrastructure/sqlite/event-log-restore.js';
import { copyDatabaseOnline, syncFile } from '../../infrastructure/sqlite/online-copy.js';
import { removeReadModelFiles } from '../../infrastructure/sqlite/read-model-files.js';
import { DELIVERIES_FILE } from '../../infrastructure/sqlite/sqlite-read-model-storage.js';
import { verifyBackupChecksum, type BackupChecksum } from './backup-checksum.js';
import { embeddedEventLogFile, type EventStoreSettings } from './storage.js';

export interface EventLogRestore {
  /** The log now in place: DATA_DIR/events.sqlite. */
  file: string;
  backup: string;
  restored: EventLogSummary;
  /** The log it replaced, kept (never removed) under a new name; null when DATA_DIR held none. */
  replaced: { files: string[]; summary: EventLogSummary | null } | null;
  readModelsRemoved: string[];
  /**
   * The webhook's position: the backup's copy put in place; the one in DATA_DIR kept (of this log: alerts it had not
   * delivered are sent, and a position past the restored log's end moves back to it at start); removed (another log's:
   * delivery starts at the end of the restored log); or none.
   */
  deliveries: 'restored' | 'kept' | 'removed' | 'none';
  /** `<backup>.sha256` (backup's): verified, or absent (restored unverified). A mismatch refuses the restore. */
  checksum: BackupChecksum;
}

export interface RestoreOptions {
  /** Replace the log by a backup of another one (another first KeyCreated): every key of the log in place goes. */
  anotherLog?: boolean;
  now?: Date;
  /** Asked once each copy is written (copyDatabaseOnline): an error stops the restore there, nothing changed, the copy removed. */
  interrupted?: () => Error | null;
}

export class BackupOfAnotherLog extends Error {
  constructor(backup: string, theirs: string, ours: string) {
    super(
      `${backup} is a backup of another event log (first KeyCreated ${theirs}; DATA_DIR's log: ${ours}): restoring it replaces ` +
        'every key this log holds. If that is what you mean, run again with --another-log (the log it replaces is kept). Nothing was changed.',
    );
    this.name = 'BackupOfAnotherLog';
  }
}

/**
 * Puts a backup (the CLI's `backup`) in place as DATA_DIR's event log, the way docs/operations.md ("Backups") says to by
 * hand, with what a hand restore gets wrong made impossible: the backup is checked whole first; refused while any
 * process has the log open; the log it replaces is folded with its WAL and kept beside it (a stale WAL can no longer
 * be applied to the copy); the read models are removed (rebuilt at start) and the webhook's position restored or removed.
 */
export async function restoreEventLog(settings: EventStoreSettings, backupFile: string, options: RestoreOptions = {}): Promise<EventLogRestore> {
  const log = embeddedEventLogFile(settings);
  if (log === null) throw new Error('restore puts a backup of the embedded log (DATA_DIR) in place: with EVENTSTORE_URL, restore EventStoreDB with its own tools');
  // Said as a path that names it from anywhere: DATA_DIR may be relative (./data by default).
  const file = resolve(log);
  const backup = resolve(backupFile);
  if (backup === file) throw new Error(`${backup} is DATA_DIR's own event log: name a backup`);
  const restored = checkEventLogBackup(backup);
  ensureDataDirectory(settings.DATA_DIR);
  const staged = `${file}.restoring-${process.pid}`;
  const deliveriesFile = join(settings.DATA_DIR, DELIVERIES_FILE);
  const deliveriesBackup = existsSync(`${backup}.${DELIVERIES_FILE}`) ? `${backup}.${DELIVERIES_FILE}` : null;
  // Before anything changes, as the checks above.
  const checksum = verifyBackupChecksum(backup, `${backup}.${DELIVERIES_FILE}`);
  const stagedDeliveries = `${deliveriesFile}.restoring-${process.pid}`;
  const held = existsSync(file) ? holdEventLog(file) : null;
  try {
    const ours = held?.summary?.identity ?? null;
    if (ours !== null && restored.identity !== null && ours !== restored.identity && !options.anotherLog) {
      throw new BackupOfAnotherLog(backup, restored.identity, ours);
    }
    // Held until the copy is in place: no process begins to write to the log meanwhile.
    await copyDatabaseOnline(backup, staged, options.interrupted);
    // Read models kept beside the log (MongoDB, the webhook's position) followed the one it replaces.
    if (held?.lastGiven) keepPositionsOfReplacedLog(staged, held.lastGiven);
    if (deliveriesBackup) await copyDatabaseOnline(deliveriesBackup, stagedDeliveries, options.interrupted);
    const replaced = held ? { files: held.setAside(`${file}.replaced-${stamp(options.now ?? new Date())}`), summary: held.summary } : null;
    renameSync(staged, file);
    held?.release();
    const readModelsRemoved = removeReadModelFiles(settings.DATA_DIR);
    const deliveries = putDeliveriesInPlace(deliveriesFile, deliveriesBackup ? stagedDeliveries : null, ours !== null && ours !== restored.identity);
    syncFile(settings.DATA_DIR);
    return { file, backup, restored, replaced, readModelsRemoved, deliveries, checksum };
  } finally {
    held?.release();
    rmSync(staged, { force: true });
    rmSync(stagedDeliveries, { force: true });
  }
}

/**
 * Without the backup's copy, the position in DATA_DIR is kept unless it is another log's: removed, delivery would start
 * at the end of the restored log and never send an alert of it not delivered yet (a log damaged past reading is taken
 * for this one: its position is the best there is).
 */
function putDeliveriesInPlace(file: string, staged: string | null, ofAnotherLog: boolean): EventLogRestore['deliveries'] {
  const present = existsSync(file);
  if (staged === null && (!present || !ofAnotherLog)) return present ? 'kept' : 'none';
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  if (staged === null) return 'removed';
  renameSync(staged, file);
  return 'restored';
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}
