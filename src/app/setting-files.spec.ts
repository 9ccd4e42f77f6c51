import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from './load-configuration.js';
import { SETTING_FILE_MAX_BYTES } from './setting-files.js';

const refusal = (raw: Record<string, string>): string | null => {
  try {
    loadConfiguration(raw);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('<NAME>_FILE: a secret from a file (Docker and Kubernetes secrets)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'psk-setting-files-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads each secret, and each URL that may hold a password, from its file, without the line break that ends it', () => {
    const environment = loadConfiguration({
      VERIFY_TOKEN_FILE: file('verify', `${'v'.repeat(40)}\n`),
      METRICS_TOKEN_FILE: file('metrics', `${'m'.repeat(20)}\r\n`),
      ALERT_WEBHOOK_URL: 'https://hooks.example/alerts',
      ALERT_WEBHOOK_SECRET_FILE: file('webhook', `${'w'.repeat(20)}\n\n`),
      REDIS_URL_FILE: file('redis', 'redis://:p4ss@redis:6379\n'),
      MONGODB_URL_FILE: file('mongodb', 'mongodb://u:p4ss@mongodb:27017\n'),
      EVENTSTORE_URL_FILE: file('esdb', 'esdb://admin:p4ss@eventstore:2113?tls=false\n'),
    });
    expect(environment).toMatchObject({
      VERIFY_TOKEN: 'v'.repeat(40),
      METRICS_TOKEN: 'm'.repeat(20),
      ALERT_WEBHOOK_SECRET: 'w'.repeat(20),
      REDIS_URL: 'redis://:p4ss@redis:6379',
      MONGODB_URL: 'mongodb://u:p4ss@mongodb:27017',
      EVENTSTORE_URL: 'esdb://admin:p4ss@eventstore:2113?tls=false',
    });
  });

  it("holds the file's text to the setting's rule, naming the setting and never the text", () => {
    expect(refusal({ VERIFY_TOKEN_FILE: file('short', 's3cr3t\n') })).toBe('Invalid configuration: VERIFY_TOKEN must be at least 32 characters');
  });

  it('refuses the setting and its file both set, and a file that cannot be read', () => {
    expect(refusal({ METRICS_TOKEN: 'm'.repeat(16), METRICS_TOKEN_FILE: file('both', 'n'.repeat(16)) })).toBe(
      'Invalid configuration: METRICS_TOKEN and METRICS_TOKEN_FILE are both set: give one',
    );
    expect(refusal({ METRICS_TOKEN_FILE: join(dir, 'missing-s3cr3t') })).toBe('Invalid configuration: METRICS_TOKEN_FILE names a file that cannot be read (ENOENT)');
    expect(refusal({ METRICS_TOKEN_FILE: dir })).toBe('Invalid configuration: METRICS_TOKEN_FILE names a file that cannot be read (EISDIR)');
    if (process.getuid?.() !== 0) {
      const locked = file('locked', 'm'.repeat(16));
      chmodSync(locked, 0o000);
      expect(refusal({ METRICS_TOKEN_FILE: locked })).toBe('Invalid configuration: METRICS_TOKEN_FILE names a file that cannot be read (EACCES)');
    }
  });

  it('refuses a FIFO, a device and a file larger than any setting at once, never hanging or filling memory; follows a symlink', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(refusal({ METRICS_TOKEN_FILE: fifo })).toBe('Invalid configuration: METRICS_TOKEN_FILE names no regular file (a FIFO, a socket or a device)');
    expect(refusal({ METRICS_TOKEN_FILE: '/dev/zero' })).toBe('Invalid configuration: METRICS_TOKEN_FILE names no regular file (a FIFO, a socket or a device)');
    expect(refusal({ METRICS_TOKEN_FILE: file('huge', 'm'.repeat(SETTING_FILE_MAX_BYTES + 1)) })).toBe(
      'Invalid configuration: METRICS_TOKEN_FILE names a file larger than 64 KiB: no setting is',
    );
    symlinkSync(file('target', `${'m'.repeat(16)}\n`), join(dir, 'link'));
    expect(loadConfiguration({ METRICS_TOKEN_FILE: join(dir, 'link') }).METRICS_TOKEN).toBe('m'.repeat(16));
  });

  it('takes an empty <NAME>_FILE as unset, as an empty setting is', () => {
    expect(loadConfiguration({ VERIFY_TOKEN_FILE: '' }).VERIFY_TOKEN).toBeUndefined();
  });
});
