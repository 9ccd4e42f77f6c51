import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { backUpEventLog } from '../app/storage/storage.js';
import type { Environment } from '../shared/config/environment.js';
import { counted } from '../shared/domain/counted.js';
import { print, printJson } from './output.js';
import { hearingStopSignals } from './stop-signals.js';

export interface BackupOptions {
  json?: boolean;
}

/**
 * A copy of the embedded event log, taken while services run; the read-model files need none: they are rebuilt
 * from it. Ctrl-C or SIGTERM stop it without leaving a partial copy: heard while the copy is written (the copy
 * holds this thread), they take effect once it is, and the copy is removed instead of named.
 */
export async function backup(destination: string, options: BackupOptions, environment: Environment): Promise<void> {
  const file = resolve(destination);
  if (existsSync(file)) throw new Error(`${file} exists: back up into a new file`);
  await hearingStopSignals(async (stoppedBy) => {
    const interrupted = () => (stoppedBy() ? new Error(`backup stopped by ${stoppedBy()}: no copy written (the partial copy was removed)`) : null);
    const { events, position, bytes, deliveries, checksum, sha256 } = await backUpEventLog(environment, file, interrupted);
    if (options.json) return printJson({ file, events, position, bytes, deliveries, sha256, checksum });
    print(`Backed up the event log (${counted(events, 'event')}, up to position ${position ?? 0}) to ${file} (${bytes} bytes).\n`);
    if (deliveries) print(`Backed up the webhook's position (deliveries.sqlite) to ${deliveries}.\n`);
    print(`SHA-256 ${sha256}, written to ${checksum} (restore verifies it; by hand: cd ${dirname(file)} && sha256sum -c ${basename(checksum)}).\n`);
  });
}
