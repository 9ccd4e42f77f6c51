import { spawnSync } from 'node:child_process';
import { loadEnvironment } from '../../src/shared/config/environment.js';

describe('Configuration', () => {
  it('applies documented defaults', () => {
    const env = loadEnvironment({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: './data', LOG_LEVEL: 'log', MONGODB_DB: 'parsesphere' });
    expect(env.EVENTSTORE_URL).toBeUndefined();
    expect(env.MONGODB_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ MONGODB_URL: 'http://nope' }, 'MONGODB_URL'],
    [{ EVENTSTORE_URL: 'tcp://x' }, 'EVENTSTORE_URL'],
    [{ READ_YOUR_WRITES_TIMEOUT_MS: '5' }, 'READ_YOUR_WRITES_TIMEOUT_MS'],
  ])('refuses %j naming the setting', (raw, name) => {
    expect(() => loadEnvironment(raw)).toThrow(new RegExp(`^Invalid configuration: ${name}`));
  });

  it('stops the server at start with one line naming the bad setting, never its value', () => {
    const run = spawnSync(process.execPath, ['dist/main.js'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, PORT: 'not-a-port-s3cr3t' },
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^Invalid configuration: PORT/);
    expect(run.stderr).not.toContain('s3cr3t');
  });
});
