import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { Environment, loadEnvironment } from './environment.js';

describe('Environment', () => {
  it('declares every setting it validates as a property with a default, so loadEnvironment reads each one', () => {
    const validated = getMetadataStorage()
      .getTargetValidationMetadatas(Environment, '', true, false)
      .map((metadata) => metadata.propertyName);
    expect(Object.keys(new Environment()).sort()).toEqual([...new Set(validated)].sort());
  });

  it('passes each optional setting through when it is set', () => {
    const optional = {
      VERIFY_TOKEN: 'v'.repeat(32),
      ANOMALY_THRESHOLDS: '{"spikeFactor": 8}',
      ALERT_WEBHOOK_URL: 'https://hooks.example/alerts',
      ALERT_WEBHOOK_SECRET: 's'.repeat(16),
      EVENTSTORE_URL: 'esdb://127.0.0.1:2113?tls=false',
      MONGODB_URL: 'mongodb://127.0.0.1:27017',
      LOG_FORMAT: 'pretty',
      METRICS_TOKEN: 'm'.repeat(16),
    };
    expect(Object.keys(optional).every((name) => new Environment()[name as keyof Environment] === undefined)).toBe(true);
    expect(loadEnvironment(optional)).toMatchObject(optional);
  });

  it('takes SECRET_SCANNING_PUBLIC_KEYS over https, or http on loopback only: the keys are all a report is trusted for', () => {
    for (const taken of ['https://api.github.com/meta/public_keys/secret_scanning', '/etc/parsesphere/secret-scanning.json', 'http://127.0.0.1:8080/keys', 'http://localhost/keys', 'http://[::1]:8443/keys']) {
      expect(loadEnvironment({ SECRET_SCANNING_PUBLIC_KEYS: taken }).SECRET_SCANNING_PUBLIC_KEYS).toBe(taken);
    }
    const refusal = 'Invalid configuration: SECRET_SCANNING_PUBLIC_KEYS must be an https:// URL (http:// only to this host: anyone on the way could replace the keys and sign reports that revoke keys)';
    for (const plain of ['http://api.github.com/meta/public_keys/secret_scanning', 'http://10.0.0.5/keys', 'HTTP://example.com/keys']) {
      expect(() => loadEnvironment({ SECRET_SCANNING_PUBLIC_KEYS: plain })).toThrow(refusal);
    }
    expect(() => loadEnvironment({ SECRET_SCANNING_PUBLIC_KEYS: 'https://user:pass@mirror.example/keys' })).toThrow(
      'Invalid configuration: SECRET_SCANNING_PUBLIC_KEYS must not hold a user name or password (fetch refuses them)',
    );
    expect(() => loadEnvironment({ SECRET_SCANNING_PUBLIC_KEYS: 'keys.json' })).toThrow('Invalid configuration: SECRET_SCANNING_PUBLIC_KEYS must be an absolute path or an https:// URL');
  });

  it('takes an empty setting as unset: docker-compose.yml passes VERIFY_TOKEN through empty when the user has none', () => {
    expect(loadEnvironment({ VERIFY_TOKEN: '', METRICS_TOKEN: '', PORT: '' })).toMatchObject({ VERIFY_TOKEN: undefined, METRICS_TOKEN: undefined, PORT: 3000 });
  });

  it('drops the spaces around REDIS_URL: ioredis read a leading one as part of the URL and the start failed naming no setting', () => {
    expect(loadEnvironment({ REDIS_URL: ' redis://127.0.0.1:6379\n' }).REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(() => loadEnvironment({ REDIS_URL: ' http://127.0.0.1:6379' })).toThrow('Invalid configuration: REDIS_URL must start with redis:// or rediss://');
  });

  it('drops the spaces and line breaks around every value but the secrets: LOG_LEVEL=warn and a line break was refused as not one of "…, warn, …"', () => {
    const values = {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      MONGODB_DB: 'keys',
      MONGODB_URL: 'mongodb://127.0.0.1:27017',
      EVENTSTORE_URL: 'esdb://127.0.0.1:2113?tls=false',
      ALERT_WEBHOOK_URL: 'https://hooks.example/alerts',
    };
    const padded = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, ` ${value}\n`]));
    expect(loadEnvironment({ ...padded, ALERT_WEBHOOK_SECRET: 's'.repeat(16) })).toMatchObject(values);
  });

  it('refuses an ALERT_WEBHOOK_SECRET that begins or ends with whitespace: every alert was signed with the line break of its file', () => {
    const url = 'https://hooks.example/alerts';
    for (const secret of [`${'s'.repeat(16)}\n`, ` ${'s'.repeat(16)}`, `${'s'.repeat(16)}\t`]) {
      expect(() => loadEnvironment({ ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: secret })).toThrow(
        'Invalid configuration: ALERT_WEBHOOK_SECRET must not begin or end with a space or a line break (read from a file?)',
      );
    }
    expect(loadEnvironment({ ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: 'with inner spaces ok' }).ALERT_WEBHOOK_SECRET).toBe('with inner spaces ok');
  });

  it('takes ALERT_WEBHOOK_SECRET_PREVIOUS for a rotation under the rules of ALERT_WEBHOOK_SECRET, beside it and different from it', () => {
    const url = 'https://hooks.example/alerts';
    const [next, old] = ['n'.repeat(20), 'o'.repeat(20)];
    expect(loadEnvironment({ ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: next, ALERT_WEBHOOK_SECRET_PREVIOUS: old }).ALERT_WEBHOOK_SECRET_PREVIOUS).toBe(old);
    expect(() => loadEnvironment({ ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: next, ALERT_WEBHOOK_SECRET_PREVIOUS: 'short' })).toThrow(
      'Invalid configuration: ALERT_WEBHOOK_SECRET_PREVIOUS must be at least 16 characters',
    );
    expect(() => loadEnvironment({ ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: next, ALERT_WEBHOOK_SECRET_PREVIOUS: `${old}\n` })).toThrow(
      'Invalid configuration: ALERT_WEBHOOK_SECRET_PREVIOUS must not begin or end with a space or a line break (read from a file?)',
    );
    expect(() => loadEnvironment({ ALERT_WEBHOOK_SECRET_PREVIOUS: old })).toThrow(
      'Invalid configuration: ALERT_WEBHOOK_SECRET_PREVIOUS needs ALERT_WEBHOOK_SECRET, the new secret, beside it',
    );
    expect(() => loadEnvironment({ ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: next, ALERT_WEBHOOK_SECRET_PREVIOUS: next })).toThrow(
      'Invalid configuration: ALERT_WEBHOOK_SECRET_PREVIOUS must differ from ALERT_WEBHOOK_SECRET',
    );
  });

  it('reads numbers as integers, by the type of their default', () => {
    expect(loadEnvironment({ PORT: '8080', USAGE_FLUSH_INTERVAL_MS: ' 250 ' })).toMatchObject({ PORT: 8080, USAGE_FLUSH_INTERVAL_MS: 250 });
    expect(() => loadEnvironment({ PORT: '80.5' })).toThrow(/^Invalid configuration: PORT/);
  });

  it('refuses an integer written with leading zeros, in one line naming the setting: PORT=0080 was taken as 80, 010 as 10 where some tools read 8', () => {
    // An upgrader is told what the earlier build ran with, so that the fix keeps it (PORT=0080 listened on 80, not 64).
    const refused = (name: string) =>
      `Invalid configuration: ${name} must be written without leading zeros (some tools read 010 as the octal 8; builds before 2026-12-07 read it as decimal: drop the zeros to keep what they used)`;
    for (const value of ['0080', ' 0080\n', '010', '00', '-05']) expect(() => loadEnvironment({ PORT: value })).toThrow(refused('PORT'));
    expect(() => loadEnvironment({ USAGE_FLUSH_INTERVAL_MS: '0100' })).toThrow(refused('USAGE_FLUSH_INTERVAL_MS'));
    expect(() => loadEnvironment({ MAX_KEY_LIFETIME_SECONDS: '086400' })).toThrow(refused('MAX_KEY_LIFETIME_SECONDS'));
    // Zero itself, and the numbers as ever.
    expect(loadEnvironment({ PORT: '80', REBUILD_SAVE_INTERVAL_MS: '0' })).toMatchObject({ PORT: 80, REBUILD_SAVE_INTERVAL_MS: 0 });
    // Not a number setting: a leading zero is text as any other (an address, a name).
    expect(loadEnvironment({ MONGODB_DB: '007' }).MONGODB_DB).toBe('007');
  });

  it('refuses a DATA_DIR starting with ~, which no shell expanded: the log went to a folder named ~ in the working directory', () => {
    // The home directory's path would start on an empty log: an upgrader is told where the earlier build kept it.
    const refused =
      'Invalid configuration: DATA_DIR must not start with ~: no shell expanded it to a home directory (a compose or env file passes it as written); give the full path. ' +
      `Builds before 2026-12-07 kept the log in a folder named ~ under the working directory (here ${join(process.cwd(), '~')}): to go on with that log, give that folder's full path, not the home directory's`;
    for (const value of ['~', '~/keys-data', ' ~/keys-data\n', '~app/data']) expect(() => loadEnvironment({ DATA_DIR: value })).toThrow(refused);
    // A ~ elsewhere is a character of the path; a folder named ~ is still reached as ./~.
    for (const value of ['/srv/keys~1', './~/data', '/home/app/data']) expect(loadEnvironment({ DATA_DIR: value }).DATA_DIR).toBe(value);
    expect(() => loadEnvironment({ DATA_DIR: '  ' })).toThrow('Invalid configuration: DATA_DIR must not be empty or only spaces');
  });

  it('caps the live keys of an account at 10,000 unless MAX_KEYS_PER_ACCOUNT says otherwise, from 1 to 1,000,000', () => {
    expect(loadEnvironment({}).MAX_KEYS_PER_ACCOUNT).toBe(10_000);
    expect(loadEnvironment({ MAX_KEYS_PER_ACCOUNT: '300' }).MAX_KEYS_PER_ACCOUNT).toBe(300);
    expect(() => loadEnvironment({ MAX_KEYS_PER_ACCOUNT: '0' })).toThrow('Invalid configuration: MAX_KEYS_PER_ACCOUNT must be between 1 and 1000000');
    expect(() => loadEnvironment({ MAX_KEYS_PER_ACCOUNT: '1000001' })).toThrow('Invalid configuration: MAX_KEYS_PER_ACCOUNT must be between 1 and 1000000');
    expect(() => loadEnvironment({ MAX_KEYS_PER_ACCOUNT: 'many' })).toThrow('Invalid configuration: MAX_KEYS_PER_ACCOUNT must be an integer');
  });

  it('refuses a LOG_FORMAT other than json or pretty, and a METRICS_TOKEN under 16 characters', () => {
    expect(() => loadEnvironment({ LOG_FORMAT: 'xml' })).toThrow(/^Invalid configuration: LOG_FORMAT/);
    expect(() => loadEnvironment({ METRICS_TOKEN: 'short-token' })).toThrow('Invalid configuration: METRICS_TOKEN must be at least 16 characters');
  });
});
