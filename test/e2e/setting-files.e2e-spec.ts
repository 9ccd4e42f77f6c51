import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

// A secret could only be passed in the environment (docker inspect, /proc/<pid>/environ): a Docker or Kubernetes
// secret mounted as a file, as METRICS_TOKEN_FILE=/run/secrets/metrics-token, was ignored and /metrics was open.
describe('METRICS_TOKEN_FILE', () => {
  const dir = makeTempDir('setting-files');
  afterAll(() => dir.remove());

  it('protects /metrics with the token of the file, its line break dropped, and no warning of a look-alike setting', async () => {
    const token = 'scrape-token-from-a-file-0123456789';
    const tokenFile = join(dir.path, 'metrics-token');
    writeFileSync(tokenFile, `${token}\n`);
    const output: string[] = [];
    const service = await startServiceProcess({ DATA_DIR: join(dir.path, 'data'), LOG_FORMAT: 'json', METRICS_TOKEN_FILE: tokenFile }, { output });
    try {
      expect((await fetch(`${service.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    expect(output.join('')).not.toContain('is not a setting of this service');
    expect(output.join('')).not.toContain(token);
  });
});
