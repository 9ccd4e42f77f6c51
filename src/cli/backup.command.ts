import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { backUpEventLog } from '../app/storage/storage.js';
import type { Environment } from '../shared/config/environment.js';
import { print, printJson } from './output.js';

export interface BackupOptions {
  json?: boolean;
}

/** A copy of the embedded event log, taken while services run; the read-model files need none: they are rebuilt from it. */
export async function backup(destination: string, options: BackupOptions, environment: Environment): Promise<void> {
  const file = resolve(destination);
  if (existsSync(file)) throw new Error(`${file} exists: back up into a new file`);
  const { events, position, bytes } = backUpEventLog(environment, file);
  if (options.json) return printJson({ file, events, position, bytes });
  print(`Backed up the event log (${events} events, up to position ${position ?? 0}) to ${file} (${bytes} bytes).\n`);
}
