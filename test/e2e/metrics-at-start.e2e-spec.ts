import { parseExposition } from '../support/prometheus-text.js';
import { createKeyWithCli, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

// Until 2026-12-07 parsesphere_store_up and the projection lag gauges had no series until the monitor's first sample,
// 10 s after every start: an alert on absent() or a dashboard reading them showed a gap at each restart.
describe('GET /metrics as the service starts', () => {
  it('has the store and lag gauges at its first answer, before any periodic sample', async () => {
    const dir = makeTempDir('metrics-at-start');
    createKeyWithCli(dir.path);
    const service = await startServiceProcess({ DATA_DIR: dir.path });
    try {
      // startServiceProcess returns at the first answer of /health, so this scrape is the service's first seconds.
      const samples = parseExposition(await (await fetch(`${service.url}/metrics`)).text());
      const series = (name: string) => [...samples.keys()].filter((key) => key.startsWith(`${name}{`)).sort();
      expect(series('parsesphere_store_up').map((key) => [key, samples.get(key)])).toEqual([
        ['parsesphere_store_up{store="event_store"}', 1],
        ['parsesphere_store_up{store="read_model"}', 1],
      ]);
      // One lag series per projection the instance runs (the position gauge is read at the scrape: always there).
      const projections = series('parsesphere_projection_position').map((key) => /projection="([^"]+)"/.exec(key)![1]);
      expect(projections.length).toBeGreaterThanOrEqual(4);
      for (const name of ['parsesphere_projection_lag_events', 'parsesphere_projection_lag_seconds']) {
        expect(series(name)).toEqual(projections.map((projection) => `${name}{projection="${projection}"}`).sort());
      }
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
      dir.remove();
    }
  });
});
