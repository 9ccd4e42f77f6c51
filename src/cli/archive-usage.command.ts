import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { GzipJsonLinesArchives } from '../infrastructure/filesystem/gzip-json-lines-archive.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { archiveUsage, DAY_MS } from '../usage/archiving/archive-usage.js';
import { openCliContext } from './cli-context.js';
import { print, printJson } from './output.js';
import { counted } from '../shared/domain/counted.js';

export interface ArchiveUsageCommandOptions {
  before?: Date;
  olderThan?: number;
  dir: string;
  dryRun?: boolean;
  json?: boolean;
}

const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Moves the key usage, failed authentications and alerts logged before an instant out of the event log into one archive file
 * (docs/operations.md, "Usage retention"). Safe while services run. Ctrl-C or SIGTERM stop it before it changes the log,
 * its unfinished file removed; once it appends, it finishes (a run cut short there by a kill is completed by the next).
 */
export async function archiveUsageCommand(options: ArchiveUsageCommandOptions, environment: Environment): Promise<void> {
  const now = new Date();
  const before = options.before ?? new Date(now.getTime() - options.olderThan! * DAY_MS);
  const directory = resolve(options.dir);
  if (!statSync(directory, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`--dir ${directory} is no directory: archive-usage writes its file into an existing one`);
  }
  let stoppedBy: string | null = null;
  let changingLog = false;
  const stop = (signal: string) => {
    stoppedBy = signal;
    // Past the appends a stop would leave archives whose uses are still in the log: the run finishes instead.
    if (changingLog) process.stderr.write(`warn: ${signal} heard while archive-usage removes the archived events from the log: it finishes that first\n`);
  };
  for (const signal of STOPPING_SIGNALS) process.on(signal, stop);
  const app = await openCliContext(environment, { readModels: false });
  try {
    const started = performance.now();
    const report = await archiveUsage(app.get<EventStore>(EVENT_STORE), new GzipJsonLinesArchives(directory), {
      before,
      now,
      dryRun: options.dryRun,
      onWarning: (message) => process.stderr.write(`warn: ${message}\n`),
      onChangingLog: () => (changingLog = true),
      interrupted: () => (stoppedBy ? new Error(`archive-usage stopped by ${stoppedBy}: the log is unchanged (the unfinished file was removed)`) : null),
    });
    const seconds = (performance.now() - started) / 1000;
    const { file, events, usageStreams, failureStreams, alerts, removed, deletedStreams } = report;
    if (options.json) {
      return printJson({
        before: report.before,
        dry_run: options.dryRun === true,
        events,
        usage_streams: usageStreams,
        failure_streams: failureStreams,
        alerts,
        file: file?.path ?? null,
        sha256: file?.sha256 ?? null,
        bytes: file?.bytes ?? 0,
        removed,
        deleted_streams: deletedStreams,
        seconds: Number(seconds.toFixed(2)),
      });
    }
    const what = `${counted(events, 'event')} (the usage of ${counted(usageStreams, 'key')}, ${counted(failureStreams, 'day')} of failed authentications, ${counted(alerts, 'alert')}) logged before ${report.before}`;
    const leftOut =
      deletedStreams.length === 0
        ? ''
        : ` Left out ${counted(deletedStreams.length, 'stream')} deleted by an operator (an EventStoreDB tombstone or delete), whose events stay in the log until its next scavenge: ${deletedStreams.join(', ')}.`;
    if (options.dryRun) return print(`Would archive ${what}. Nothing was written or removed (--dry-run).${leftOut}\n`);
    if (!file) return print(`Nothing was logged before ${report.before} that is not archived already: no file written.${leftOut}\n`);
    const gone = removed === null ? 'EventStoreDB removes them from the log at its next scavenge' : `${removed} removed from the log`;
    print(`Archived ${what} to ${file.path} (${file.bytes} bytes, SHA-256 ${file.sha256}) in ${seconds.toFixed(1)} s; ${gone}.${leftOut}\n`);
  } finally {
    for (const signal of STOPPING_SIGNALS) process.off(signal, stop);
    await app.close();
  }
}
