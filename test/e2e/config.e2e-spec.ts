import { spawnSync } from 'node:child_process';
import { loadEnvironment } from '../../src/shared/config/environment.js';

describe('Configuration', () => {
  it('applies documented defaults', () => {
    const env = loadEnvironment({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: './data', LOG_LEVEL: 'log', MONGODB_DB: 'parsesphere' });
    expect(env.EVENTSTORE_URL).toBeUndefined();
    expect(env.MONGODB_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it.each(['redis://127.0.0.1:6379', 'redis://:password@redis:6379/0', 'rediss://user:password@cache.example.com', 'redis://[::1]:6379'])(
    'accepts REDIS_URL %s',
    (url) => expect(loadEnvironment({ REDIS_URL: url }).REDIS_URL).toBe(url),
  );

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ MONGODB_URL: 'http://nope' }, 'MONGODB_URL'],
    [{ EVENTSTORE_URL: 'tcp://x' }, 'EVENTSTORE_URL'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://host:port' }, 'REDIS_URL'],
    [{ READ_YOUR_WRITES_TIMEOUT_MS: '5' }, 'READ_YOUR_WRITES_TIMEOUT_MS'],
  ])('refuses %j naming the setting', (raw, name) => {
    expect(() => loadEnvironment(raw)).toThrow(new RegExp(`^Invalid configuration: ${name}`));
  });

  it.each([
    ['dist/main.js', { PORT: 'not-a-port-s3cr3t' }, 'PORT'],
    ['dist/main.js', { REDIS_URL: 'redis://:s3cr3t@host:port' }, 'REDIS_URL'],
    // A setting only its feature understands is checked at the same moment, before anything starts.
    ['dist/main.js', { ANOMALY_THRESHOLDS: '{"s3cr3t": 1}' }, 'ANOMALY_THRESHOLDS'],
    ['dist/cli.js', { ANOMALY_THRESHOLDS: '{"spikeFactor": "s3cr3t"}' }, 'ANOMALY_THRESHOLDS'],
  ])('%s stops at start with one line naming the bad setting %j', (entry, env, name) => {
    const run = spawnSync(process.execPath, [entry, ...(entry === 'dist/cli.js' ? ['history', '00000000-0000-0000-0000-000000000000'] : [])], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATA_DIR: '/nonexistent/never-created', ...env },
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^Invalid configuration: ${name}`));
    if (name === 'PORT' || name === 'REDIS_URL') expect(run.stderr).not.toContain('s3cr3t');
  });
});
