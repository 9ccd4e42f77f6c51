import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidConfigurationError } from '../shared/config/invalid-configuration.error.js';

/**
 * The settings that may be given in a file named by `<NAME>_FILE` (Docker and Kubernetes secrets, as the official
 * images of Postgres, Grafana or GitLab take them): the secrets, and the URLs that may hold a password.
 */
export const FILE_SETTINGS = ['VERIFY_TOKEN', 'METRICS_TOKEN', 'ALERT_WEBHOOK_SECRET', 'ALERT_WEBHOOK_SECRET_PREVIOUS', 'REDIS_URL', 'MONGODB_URL', 'EVENTSTORE_URL'] as const;

/**
 * `raw` with each `<NAME>_FILE` of FILE_SETTINGS replaced by `<NAME>`, the file's text without the line breaks that
 * end it (as a shell's `$(cat file)` reads it: `echo token > file` wrote one). Both set, or a file that cannot be
 * read, stop the start naming the setting, never the value nor the path's text.
 */
export function withSettingFiles(raw: Record<string, unknown>): Record<string, unknown> {
  const settings = { ...raw };
  for (const name of FILE_SETTINGS) {
    const file = raw[`${name}_FILE`];
    if (typeof file !== 'string' || file === '') continue;
    if (raw[name] !== undefined && raw[name] !== '') {
      throw new InvalidConfigurationError(`Invalid configuration: ${name} and ${name}_FILE are both set: give one`);
    }
    settings[name] = readSettingFile(name, file).replace(/(\r?\n)+$/, '');
  }
  return settings;
}

/** The most a setting's file may hold: a token or a connection string is far less, and more is not such a file. */
export const SETTING_FILE_MAX_BYTES = 64 * 1024;

/**
 * The file's text. Only a regular file (a symlink to one, as Kubernetes mounts its secrets, is read): a FIFO with no
 * writer hung the start for ever and /dev/zero filled memory, each before a line was logged. Opened without blocking
 * (a FIFO's open waits for a writer), and read no further than SETTING_FILE_MAX_BYTES.
 */
function readSettingFile(name: string, file: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw cannotRead(name, (error as NodeJS.ErrnoException).code);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw cannotRead(name, 'EISDIR');
    if (!stat.isFile()) throw new InvalidConfigurationError(`Invalid configuration: ${name}_FILE names no regular file (a FIFO, a socket or a device)`);
    const buffer = Buffer.alloc(SETTING_FILE_MAX_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > SETTING_FILE_MAX_BYTES) {
      throw new InvalidConfigurationError(`Invalid configuration: ${name}_FILE names a file larger than ${SETTING_FILE_MAX_BYTES / 1024} KiB: no setting is`);
    }
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof InvalidConfigurationError) throw error;
    throw cannotRead(name, (error as NodeJS.ErrnoException).code);
  } finally {
    closeSync(fd);
  }
}

const cannotRead = (name: string, code: string | undefined) =>
  new InvalidConfigurationError(`Invalid configuration: ${name}_FILE names a file that cannot be read (${code ?? 'unreadable'})`);
