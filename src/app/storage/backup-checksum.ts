import { createHash } from 'node:crypto';
import { closeSync, existsSync, linkSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { syncFile } from '../../infrastructure/sqlite/online-copy.js';

/**
 * A backup's checksum file, `<backup>.sha256`, in sha256sum's format (one `<hex>  <name>` line a file, the names as
 * they are beside it), so that `cd <its directory> && sha256sum -c <backup>.sha256` verifies it as `restore` does. A byte
 * changed inside an event's value (a digit of a key id) leaves the log valid JSON and whole to integrity_check: only a
 * digest taken when the copy was written tells it.
 */
export const CHECKSUM_SUFFIX = '.sha256';

export function sha256OfFile(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const descriptor = openSync(file, 'r');
  try {
    for (let read = readSync(descriptor, buffer); read > 0; read = readSync(descriptor, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(descriptor);
  }
  return hash.digest('hex');
}

/**
 * Writes `<backup>.sha256` naming `files` (the backup first, all in its directory) by their names; durable, and named only
 * once complete (a hard link refuses a file that appeared meanwhile). Answers each file's digest, in order.
 */
export function writeBackupChecksum(backup: string, files: readonly string[]): string[] {
  const digests = files.map(sha256OfFile);
  const checksumFile = `${backup}${CHECKSUM_SUFFIX}`;
  const temporary = `${checksumFile}.partial-${process.pid}`;
  try {
    writeFileSync(temporary, files.map((file, i) => checksumLine(digests[i], basename(file))).join(''), { mode: 0o600, flag: 'wx' });
    syncFile(temporary);
    try {
      linkSync(temporary, checksumFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${checksumFile} exists: back up into a new file`, { cause: error });
      throw error;
    }
    syncFile(dirname(checksumFile));
  } finally {
    rmSync(temporary, { force: true });
  }
  return digests;
}

/** sha256sum's line: a name holding a backslash or a newline is escaped, and the line starts with a backslash, as GNU sha256sum writes and reads it. */
function checksumLine(digest: string, name: string): string {
  if (!/[\\\n]/.test(name)) return `${digest}  ${name}\n`;
  return `\\${digest}  ${name.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}\n`;
}

/**
 * What restore found of a backup's checksum file: `verified` (the backup and, when listed, its deliveries copy match it)
 * or `absent` (no `<backup>.sha256`: a backup written before 2026-12-07 or copied without it; restored unverified).
 */
export type BackupChecksum = 'verified' | 'absent';

/**
 * Verifies a backup (and its deliveries copy, when the checksum file lists it) against `<backup>.sha256`; throws, before
 * anything is changed, when a file differs from it, when it names no line for the backup, or when it lists a deliveries
 * copy that is not beside the backup.
 */
export function verifyBackupChecksum(backup: string, deliveriesBackup: string): BackupChecksum {
  const checksumFile = `${backup}${CHECKSUM_SUFFIX}`;
  if (!existsSync(checksumFile)) return 'absent';
  const recorded = readChecksumFile(checksumFile);
  const recordedOf = (file: string) => recorded.find((entry) => resolve(dirname(checksumFile), entry.name) === file)?.digest;
  const ofBackup = recordedOf(backup);
  if (ofBackup === undefined) {
    throw new Error(`${checksumFile} has no line for ${basename(backup)}: name the backup it was written with, or remove the checksum file to restore unverified; nothing was changed`);
  }
  const ofDeliveries = recordedOf(deliveriesBackup);
  if (ofDeliveries !== undefined && !existsSync(deliveriesBackup)) {
    throw new Error(
      `${checksumFile} lists ${basename(deliveriesBackup)}, which is not beside the backup (the webhook's position): copy it there, or remove its line to restore without it; nothing was changed`,
    );
  }
  for (const [file, digest] of [[backup, ofBackup], [deliveriesBackup, ofDeliveries]] as const) {
    if (digest === undefined) continue;
    const actual = sha256OfFile(file);
    if (actual !== digest) {
      throw new Error(
        `${file} does not match its checksum in ${checksumFile} (SHA-256 ${actual}, recorded ${digest}): changed since backup wrote it; it cannot be restored; nothing was changed`,
      );
    }
  }
  return 'verified';
}

function readChecksumFile(checksumFile: string): { digest: string; name: string }[] {
  const lines = readFileSync(checksumFile, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => {
    const parsed = /^(\\?)([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!parsed) throw new Error(`${checksumFile} is not in sha256sum's format (line ${i + 1}): a checksum file that backup wrote holds "<sha256>  <name>" lines; nothing was changed`);
    const name = parsed[1] ? parsed[3].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)) : parsed[3];
    return { digest: parsed[2].toLowerCase(), name };
  });
}
