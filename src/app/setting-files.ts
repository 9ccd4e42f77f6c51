import { readFileSync } from 'node:fs';
import { InvalidConfigurationError } from '../shared/config/invalid-configuration.error.js';

/**
 * The settings that may be given in a file named by `<NAME>_FILE` (Docker and Kubernetes secrets, as the official
 * images of Postgres, Grafana or GitLab take them): the secrets, and the URLs that may hold a password.
 */
export const FILE_SETTINGS = ['VERIFY_TOKEN', 'METRICS_TOKEN', 'ALERT_WEBHOOK_SECRET', 'REDIS_URL', 'MONGODB_URL', 'EVENTSTORE_URL'] as const;

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

function readSettingFile(name: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InvalidConfigurationError(`Invalid configuration: ${name}_FILE names a file that cannot be read (${code})`);
  }
}
