import { spawnSync } from 'node:child_process';
import { childEnv } from '../support/child-env.js';
import { startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

// A misspelt setting was ignored without a word: METRICS_TOKN=… left GET /metrics open to anyone (200, no token).
describe('A variable that looks like a setting', () => {
  const dataDir = makeTempDir('lookalike-settings');
  afterAll(() => dataDir.remove());

  it('gets one warn line at the start of the service, naming the setting it was likely meant as, never its value', async () => {
    const output: string[] = [];
    const service = await startServiceProcess({ DATA_DIR: dataDir.path, LOG_FORMAT: 'json', METRICS_TOKN: 's3cr3t-metrics-token', REDIS_URI: 'redis://:s3cr3t@x' }, { output });
    expect((await fetch(`${service.url}/metrics`)).status).toBe(200);
    service.child.kill('SIGTERM');
    await service.exited;
    const warnings = output.join('').split('\n').filter((line) => line.includes('"level":"warn"')).map((line) => JSON.parse(line).msg);
    expect(warnings).toEqual([
      'METRICS_TOKN is not a setting of this service and is ignored: did you mean METRICS_TOKEN?',
      'REDIS_URI is not a setting of this service and is ignored: did you mean REDIS_URL?',
    ]);
    expect(output.join('')).not.toContain('s3cr3t');
  });

  it("is told apart by the start's listening line, which lists the settings taken, their defaults and no secret", async () => {
    const output: string[] = [];
    const service = await startServiceProcess({ DATA_DIR: dataDir.path, LOG_FORMAT: 'json', LOG_LEVEL: 'log', METRICS_TOKN: 's3cr3t-metrics-token', VERIFY_TOKEN: `${'v'.repeat(32)}s3cr3t` }, { output });
    service.child.kill('SIGTERM');
    await service.exited;
    const configuration = output.join('').split('\n').filter((line) => line.includes('"msg":"listening"')).map((line) => JSON.parse(line).settings);
    expect(configuration).toHaveLength(1);
    expect(configuration[0]).toMatchObject({ DATA_DIR: dataDir.path, HOST: '127.0.0.1', LOG_LEVEL: 'log', MAX_KEYS_PER_ACCOUNT: 10000, VERIFY_TOKEN: '(set)' });
    expect(configuration[0].METRICS_TOKEN).toBeUndefined();
    expect(output.join('')).not.toContain('s3cr3t');
  });

  it('gets one warning line on stderr from the CLI', () => {
    const run = spawnSync(process.execPath, ['dist/cli.js', 'history', '00000000-0000-0000-0000-000000000000'], {
      encoding: 'utf8',
      env: childEnv({ DATA_DIR: '/nonexistent/never-created', MONGO_URL: 'mongodb://u:s3cr3t@h' }),
      timeout: 20_000,
    });
    expect(run.stderr.split('\n')[0]).toBe('warning: MONGO_URL is not a setting of this service and is ignored: did you mean MONGODB_URL?');
    expect(run.stderr).not.toContain('s3cr3t');
  });
});
