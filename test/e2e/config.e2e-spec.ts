import { spawnSync } from 'node:child_process';
import { InvalidConfigurationError, loadEnvironment } from '../../src/shared/config/environment.js';
import { childEnv } from '../support/child-env.js';

const BEARER_TOKEN_RULE = 'must be usable as a Bearer token: letters, digits and - . _ ~ + / only, and = only at the end (RFC 6750)';
const REDIS_URL_SHAPE = 'must be a URL, redis://[user:password@]host[:port][/db] or rediss://..., with a port from 1 to 65535';

describe('Configuration', () => {
  it('applies documented defaults', () => {
    const env = loadEnvironment({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: './data', LOG_LEVEL: 'log', MONGODB_DB: 'parsesphere' });
    expect(env.EVENTSTORE_URL).toBeUndefined();
    expect(env.MONGODB_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it.each([
    'ABCXYZabcxyz0123456789-._~+/_of_every_kind',
    'base64url-of-32-bytes_0123456789abcdefABCDEF',
    'base64/of+32/bytes0123456789abcdefABCDEF==',
  ])('accepts a token of RFC 6750 characters as VERIFY_TOKEN and METRICS_TOKEN: %s', (token) => {
    expect(loadEnvironment({ VERIFY_TOKEN: token, METRICS_TOKEN: token })).toMatchObject({ VERIFY_TOKEN: token, METRICS_TOKEN: token });
  });

  it.each(['redis://127.0.0.1:6379', 'redis://:password@redis:6379/0', 'rediss://user:password@cache.example.com', 'redis://[::1]:6379'])(
    'accepts REDIS_URL %s',
    (url) => expect(loadEnvironment({ REDIS_URL: url }).REDIS_URL).toBe(url),
  );

  // Each message names the rule broken, built from the rule and never from the value (which may be a secret).
  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer'],
    [{ PORT: '80.5' }, 'PORT must be an integer'],
    [{ PORT: '70000' }, 'PORT must be between 1 and 65535'],
    [{ PORT: '0' }, 'PORT must be between 1 and 65535'],
    [{ HOST: 'localhost' }, 'HOST must be an IP address'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, log, debug, verbose'],
    [{ READ_YOUR_WRITES_TIMEOUT_MS: '5' }, 'READ_YOUR_WRITES_TIMEOUT_MS must be between 100 and 60000'],
    [{ READINESS_MAX_LAG_EVENTS: 'many' }, 'READINESS_MAX_LAG_EVENTS must be an integer'],
    [{ READINESS_MAX_LAG_MS: '99' }, 'READINESS_MAX_LAG_MS must be between 100 and 3600000'],
    [{ POLL_INTERVAL_MS: '1' }, 'POLL_INTERVAL_MS must be between 10 and 10000'],
    [{ RATE_LIMIT_REQUESTS: '-1' }, 'RATE_LIMIT_REQUESTS must be between 1 and 1000000'],
    [{ RATE_LIMIT_PER_SECONDS: '86401' }, 'RATE_LIMIT_PER_SECONDS must be between 1 and 86400'],
    [{ AUTH_FAILURE_LIMIT: '0' }, 'AUTH_FAILURE_LIMIT must be between 1 and 100000'],
    [{ AUTH_FAILURE_WINDOW_SECONDS: '1e3' }, 'AUTH_FAILURE_WINDOW_SECONDS must be an integer'],
    [{ USAGE_FLUSH_INTERVAL_MS: '60001' }, 'USAGE_FLUSH_INTERVAL_MS must be between 10 and 60000'],
    [{ VERIFY_TOKEN: 'short-s3cr3t' }, 'VERIFY_TOKEN must be at least 32 characters'],
    // Values no Bearer header can carry (the token ends at the first space): accepted, they could never be presented.
    [{ VERIFY_TOKEN: 'gateway s3cr3t of more than 32 characters' }, `VERIFY_TOKEN ${BEARER_TOKEN_RULE}`],
    // One that only ends with a line break or a tab (a Kubernetes secret made from a file) is told so.
    [{ VERIFY_TOKEN: `${'v'.repeat(32)}s3cr3t\t` }, 'VERIFY_TOKEN must not begin or end with a space or a line break (read from a file? VERIFY_TOKEN_FILE drops the line break that ends it)'],
    [{ METRICS_TOKEN: `${'m'.repeat(16)}s3cr3t\n` }, 'METRICS_TOKEN must not begin or end with a space or a line break (read from a file? METRICS_TOKEN_FILE drops the line break that ends it)'],
    [{ VERIFY_TOKEN: `"${'v'.repeat(32)}s3cr3t"` }, `VERIFY_TOKEN ${BEARER_TOKEN_RULE}`],
    [{ METRICS_TOKEN: 'scrape s3cr3t 0123456789' }, `METRICS_TOKEN ${BEARER_TOKEN_RULE}`],
    [{ METRICS_TOKEN: 'scrape-s3cr3t-0123456789é' }, `METRICS_TOKEN ${BEARER_TOKEN_RULE}`],
    [{ METRICS_TOKEN: 'scrape-s3cr3t=0123456789' }, `METRICS_TOKEN ${BEARER_TOKEN_RULE}`],
    [{ METRICS_TOKEN: 's3cr3t !' }, `METRICS_TOKEN ${BEARER_TOKEN_RULE}`],
    [{ ALERT_WEBHOOK_URL: 'ftp://s3cr3t.example' }, 'ALERT_WEBHOOK_URL must be an http(s) URL'],
    [{ ALERT_WEBHOOK_URL: 'http://127.0.0.1:99999/s3cr3t' }, 'ALERT_WEBHOOK_URL must be an http(s) URL, with a host and a port from 1 to 65535'],
    [{ ALERT_WEBHOOK_URL: 'http://[::1' }, 'ALERT_WEBHOOK_URL must be an http(s) URL, with a host and a port from 1 to 65535'],
    [
      { ALERT_WEBHOOK_URL: 'http://user:s3cr3t@127.0.0.1:42201/basic', ALERT_WEBHOOK_SECRET: 'w'.repeat(16) },
      'ALERT_WEBHOOK_URL must not hold a user name or password (fetch refuses them): the receiver verifies the signature made with ALERT_WEBHOOK_SECRET',
    ],
    [{ ALERT_WEBHOOK_URL: 'https://hooks.example', ALERT_WEBHOOK_SECRET: 's3cr3t' }, 'ALERT_WEBHOOK_SECRET must be at least 16 characters'],
    [{ ALERT_WEBHOOK_URL: 'https://hooks.example' }, 'ALERT_WEBHOOK_SECRET is required with ALERT_WEBHOOK_URL'],
    [{ EVENTSTORE_URL: 'tcp://s3cr3t' }, 'EVENTSTORE_URL must be an esdb:// connection string'],
    [{ MONGODB_URL: 'http://s3cr3t' }, 'MONGODB_URL must be a mongodb:// connection string'],
    [{ MONGODB_DB: 'no spaces s3cr3t' }, 'MONGODB_DB must be 1-63 letters, digits, _ or -'],
    [{ REDIS_URL: 'http://s3cr3t:6379' }, 'REDIS_URL must start with redis:// or rediss://'],
    [{ REDIS_URL: 'redis://host:port' }, `REDIS_URL ${REDIS_URL_SHAPE}`],
    [{ REDIS_URL: 'redis://u:s3cr3t@host:99999' }, `REDIS_URL ${REDIS_URL_SHAPE}`],
    [{ REDIS_URL: 'redis://u:s3cr3t@host:0' }, 'REDIS_URL must have a port from 1 to 65535'],
  ])('refuses %j with exactly the rule broken', (raw, message) => {
    expect(() => loadEnvironment(raw)).toThrow(new InvalidConfigurationError(`Invalid configuration: ${message}`));
    try {
      loadEnvironment(raw);
    } catch (error) {
      expect((error as Error).message).toBe(`Invalid configuration: ${message}`);
      expect((error as Error).message).not.toContain('s3cr3t');
    }
  });

  it.each([
    ['dist/main.js', { PORT: 'not-a-port-s3cr3t' }, 'PORT'],
    ['dist/main.js', { VERIFY_TOKEN: 'gateway s3cr3t of more than 32 characters' }, 'VERIFY_TOKEN'],
    ['dist/main.js', { METRICS_TOKEN: 'scrape s3cr3t 0123456789' }, 'METRICS_TOKEN'],
    ['dist/main.js', { REDIS_URL: 'redis://:s3cr3t@host:port' }, 'REDIS_URL'],
    // ioredis would throw on it, the URL and its password in the error, once the module that opens Redis is built.
    ['dist/main.js', { REDIS_URL: 'redis://u:s3cr3t@host:99999' }, 'REDIS_URL'],
    // fetch would throw at every delivery, or the service at listen.
    ['dist/main.js', { ALERT_WEBHOOK_URL: 'http://127.0.0.1:99999/s3cr3t', ALERT_WEBHOOK_SECRET: 'w'.repeat(16) }, 'ALERT_WEBHOOK_URL'],
    ['dist/main.js', { ALERT_WEBHOOK_URL: 'http://:::', ALERT_WEBHOOK_SECRET: 'w'.repeat(16) }, 'ALERT_WEBHOOK_URL'],
    ['dist/main.js', { ALERT_WEBHOOK_URL: 'http://user:s3cr3t@127.0.0.1:42201/basic', ALERT_WEBHOOK_SECRET: 'w'.repeat(16) }, 'ALERT_WEBHOOK_URL'],
    // A setting only its feature understands is checked at the same moment, before anything starts.
    ['dist/main.js', { ANOMALY_THRESHOLDS: '{"s3cr3t": 1}' }, 'ANOMALY_THRESHOLDS'],
    ['dist/cli.js', { ANOMALY_THRESHOLDS: '{"spikeFactor": "s3cr3t"}' }, 'ANOMALY_THRESHOLDS'],
    // A name every object inherits is no threshold; a count is whole (0.5 would make one failure a burst).
    ['dist/main.js', { ANOMALY_THRESHOLDS: '{"constructor": 5}' }, 'ANOMALY_THRESHOLDS'],
    ['dist/main.js', { ANOMALY_THRESHOLDS: '{"failedAuthBurstCount": 0.5}' }, 'ANOMALY_THRESHOLDS'],
    // An option the EventStoreDB client would only warn about and ignore; the string holds a password.
    ['dist/main.js', { EVENTSTORE_URL: 'esdb://admin:s3cr3t@localhost:2113?tlsVerifyCert=false' }, 'EVENTSTORE_URL'],
    // A password the client cannot decode: 'URI malformed' retried forever as a store that is down, before.
    ['dist/main.js', { EVENTSTORE_URL: 'esdb://admin:s3cr3t%@localhost:2113?tls=false' }, 'EVENTSTORE_URL'],
    // Strings the MongoDB driver refuses at its first connect: retried forever as a store that is down, before.
    ['dist/main.js', { MONGODB_URL: 'mongodb://u:s3cr3t@host:99999' }, 'MONGODB_URL'],
    ['dist/main.js', { MONGODB_URL: 'mongodb://u:s3cr3t@@@' }, 'MONGODB_URL'],
    ['dist/main.js', { MONGODB_URL: 'mongodb://u:s3cr3t@h/?tls=maybe' }, 'MONGODB_URL'],
    ['dist/main.js', { MONGODB_URL: 'mongodb://u:s3cr3t@h/?bogusOpt=1' }, 'MONGODB_URL'],
    ['dist/cli.js', { MONGODB_URL: 'mongodb://u:s3cr3t@h/?bogusOpt=1' }, 'MONGODB_URL'],
  ])('%s stops at start with one line naming the bad setting %j', (entry, env, name) => {
    const run = spawnSync(process.execPath, [entry, ...(entry === 'dist/cli.js' ? ['history', '00000000-0000-0000-0000-000000000000'] : [])], {
      encoding: 'utf8',
      env: childEnv({ DATA_DIR: '/nonexistent/never-created', ...env }),
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^Invalid configuration: ${name}`));
    expect(run.stderr).not.toContain('s3cr3t');
  });
});
