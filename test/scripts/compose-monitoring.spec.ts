import { existsSync, readFileSync } from 'node:fs';
import { serviceBlock } from '../support/compose-service.js';

/**
 * operations.md, "Prometheus and Grafana": with METRICS_TOKEN set, compose passes it to the service and Prometheus reads the
 * same token from the file its commented authorization block names, in a directory compose mounts (no Docker engine
 * in the tests: the files are read as the engine would take them).
 */
describe('docker-compose.yml and docs/grafana/prometheus.yml: the metrics token', () => {
  const compose = readFileSync('docker-compose.yml', 'utf8');
  const prometheus = readFileSync('docs/grafana/prometheus.yml', 'utf8');

  it('passes METRICS_TOKEN through to the keys service as VERIFY_TOKEN is (empty when unset: the service takes it as unset)', () => {
    const keys = serviceBlock(compose, 'keys').map((line) => line.trim());
    expect(keys).toContain('VERIFY_TOKEN: "${VERIFY_TOKEN:-}"');
    expect(keys).toContain('METRICS_TOKEN: "${METRICS_TOKEN:-}"');
  });

  it("mounts the directory of the token file Prometheus's authorization block reads, a directory of the repository whose files git ignores", () => {
    const file = /^\s*#\s+credentials_file: (\S+)$/m.exec(prometheus)?.[1];
    expect(file).toBe('/etc/prometheus/secrets/metrics-token');
    const mounts = serviceBlock(compose, 'prometheus')
      .map((line) => /^\s+- (\.\/[^:]+):([^:]+)(:ro)?$/.exec(line))
      .filter((match) => match !== null)
      .map(([, source, target]) => ({ source, target }));
    const mount = mounts.find(({ target }) => file!.startsWith(`${target}/`));
    expect(mount).toEqual({ source: './docs/grafana/secrets', target: '/etc/prometheus/secrets' });
    // A bind mount of a missing source would be made an empty directory by the engine, owned by root: it is in the repository.
    expect(existsSync(mount!.source)).toBe(true);
    expect(readFileSync(`${mount!.source}/.gitignore`, 'utf8').split('\n')).toEqual(expect.arrayContaining(['*', '!.gitignore']));
    expect(readFileSync('.dockerignore', 'utf8').split('\n')).toContain('docs/grafana/secrets');
  });
});

describe('docker-compose.yml and docs/grafana/prometheus.yml: the alerting rules', () => {
  it('mounts each rule file prometheus.yml loads from docs/grafana (docs/operations.md, Metrics: the projection alert)', () => {
    const prometheus = readFileSync('docs/grafana/prometheus.yml', 'utf8');
    const files = [...(/^rule_files:\n((?:\s+- \S+\n)+)/m.exec(prometheus)?.[1] ?? '').matchAll(/- (\S+)/g)].map(([, file]) => file);
    expect(files).toEqual(['/etc/prometheus/alert-rules.yml']);
    const mounts = serviceBlock(readFileSync('docker-compose.yml', 'utf8'), 'prometheus').map((line) => line.trim());
    expect(mounts).toContain('- ./docs/grafana/alert-rules.yml:/etc/prometheus/alert-rules.yml:ro');
    expect(readFileSync('docs/grafana/alert-rules.yml', 'utf8')).toMatch(/^\s+expr: parsesphere_projection_up == 0$/m);
  });
});
