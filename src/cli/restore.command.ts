import { restoreEventLog } from '../app/storage/event-log-restore.js';
import type { EventLogSummary } from '../infrastructure/sqlite/event-log-restore.js';
import type { Environment } from '../shared/config/environment.js';
import { counted } from '../shared/domain/counted.js';
import { print, printJson } from './output.js';
import { readModelNotice } from './restore-read-model-notice.js';
import { hearingStopSignals } from './stop-signals.js';

export interface RestoreCommandOptions {
  anotherLog?: boolean;
  json?: boolean;
}

/**
 * `restore <file>`: the backup in place as the event log (restoreEventLog), said in sentences or JSON. Ctrl-C or
 * SIGTERM while it copies take effect once the copy is written (it holds this thread): the copy is removed and nothing
 * changes. Unhandled, they ended the process in the copy and left it in DATA_DIR, as large as the log.
 */
export async function restore(file: string, options: RestoreCommandOptions, environment: Environment): Promise<void> {
  const result = await hearingStopSignals((stoppedBy) => {
    const interrupted = () => (stoppedBy() ? new Error(`restore stopped by ${stoppedBy()}: nothing was changed (the partial copy was removed)`) : null);
    return restoreEventLog(environment, file, { anotherLog: options.anotherLog, interrupted });
  });
  if (options.json) return printJson(result);
  print(`Restored ${result.backup} (${held(result.restored)}) as ${result.file}.\n`);
  if (result.checksum === 'absent') {
    print(`No checksum beside it (${result.backup}.sha256, which backup writes): restored unverified; a byte changed inside an event's value would not be seen.\n`);
  }
  if (result.replaced) {
    const what = result.replaced.summary ? held(result.replaced.summary) : 'no log SQLite could read';
    print(`The log it replaced (${what}) is kept as ${result.replaced.files.join(' and ')}.\n`);
  }
  if (result.readModelsRemoved.length > 0) print(`Removed ${counted(result.readModelsRemoved.length, 'read-model file')}: they are rebuilt from the log at the next start.\n`);
  if (result.deliveries === 'restored') print(`Restored the webhook's position from ${result.backup}.deliveries.sqlite.\n`);
  if (result.deliveries === 'kept') print("Kept the webhook's position (deliveries.sqlite): the alerts of this log it had not delivered are sent at the next start.\n");
  if (result.deliveries === 'removed') print("Removed the webhook's position (another log's): delivery starts at the end of the restored log; none of its alerts is sent.\n");
  const notice = readModelNotice(result, environment);
  if (notice) print(notice);
}

function held(summary: EventLogSummary): string {
  return `${counted(summary.events, 'event')}, up to position ${summary.position ?? 0}`;
}
