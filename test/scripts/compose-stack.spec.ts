import { readFileSync } from 'node:fs';
import { serviceBlock } from '../support/compose-service.js';

/** The longest stop besides the flush of the uses (src/app/graceful-shutdown.ts): the drain's 10 s and the close's 9 s. */
const LONGEST_STOP_SECONDS = 19;

/** Compose durations as the engine reads them: `30s`, `1m30s`, `2m`. */
function seconds(duration: string): number {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  expect(match && duration !== '').toBeTruthy();
  return Number(match![1] ?? 0) * 60 + Number(match![2] ?? 0);
}

/** What the engine takes from docker-compose.yml (no Docker engine in the tests: the file is read as it would be). */
describe('docker-compose.yml: the stack', () => {
  const compose = readFileSync('docker-compose.yml', 'utf8');

  it("gives the keys service's stop the time it takes before the engine's SIGKILL (its default is 10 s)", () => {
    const grace = serviceBlock(compose, 'keys')
      .map((line) => /^ {4}stop_grace_period: (\S+)$/.exec(line)?.[1])
      .find((value) => value !== undefined);
    expect(grace).toBeDefined();
    expect(seconds(grace!)).toBeGreaterThan(LONGEST_STOP_SECONDS);
  });

  it.each(['eventstore', 'mongodb', 'redis', 'prometheus', 'grafana'])(
    'publishes %s, which asks no credentials (or admin/admin), on the loopback interface only',
    (service) => {
      const block = serviceBlock(compose, service);
      expect(block).toContain('    ports:');
      const after = block.slice(block.indexOf('    ports:') + 1);
      const ports = after.slice(0, after.findIndex((line) => !/^ {6}- /.test(line)));
      expect(ports.length).toBeGreaterThan(0);
      for (const port of ports) expect(port).toMatch(/^ {6}- "127\.0\.0\.1:\d+:\d+"$/);
    },
  );
});
