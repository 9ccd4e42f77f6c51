import { Environment } from '../../shared/config/environment.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import type { GaugeDefinition, Metrics } from '../../shared/metrics/metrics.port.js';
import type { ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import type { ProjectionsService } from '../projections/projections.service.js';
import { ServiceMonitor } from './service-monitor.js';
import { StoreRecoveries } from './store-recoveries.js';

type State = ReturnType<ProjectionsService['positions']>[number];

// The metrics audit (2026-12-06): with FerretDB paused, readiness and the logs said `alerts` and `api-keys` were down
// while /metrics showed `alerts` at lag 0 (nothing of its types pending): no series said a projection had stopped.
describe('parsesphere_projection_up', () => {
  let states: State[];
  let gauges: Map<string, GaugeDefinition<string>>;

  beforeEach(() => {
    states = [];
    gauges = new Map();
    const metrics = { gauge: (definition: GaugeDefinition<string>) => void gauges.set(definition.name, definition) } as unknown as Metrics;
    const projections = { positions: () => states, lag: async () => [], retryNow: async () => undefined } as unknown as ProjectionsService;
    new ServiceMonitor(
      { ping: async () => undefined } as unknown as EventStore,
      { ping: async () => undefined } as unknown as ReadModelStorage,
      projections,
      Object.assign(new Environment(), { READINESS_MAX_LAG_EVENTS: 100, READINESS_MAX_LAG_MS: 5000 }),
      metrics,
      new StoreRecoveries(projections),
    );
  });

  const state = (overrides: Partial<State>): State => ({ name: 'alerts', running: true, failing: false, moving: false, position: 7, ...overrides });
  /** What a scrape reads now: no monitor sample is taken in between. */
  const scrape = () => gauges.get('parsesphere_projection_up')!.read();

  it('follows each projection at every scrape: 1 running, 0 failing or stopped, 1 again once running', () => {
    states = [state({}), state({ name: 'api-keys' })];
    expect(scrape()).toEqual([
      { labels: { projection: 'alerts' }, value: 1 },
      { labels: { projection: 'api-keys' }, value: 1 },
    ]);
    // Its store refused a write: waiting out its retry delay (not subscribed) …
    states = [state({ running: false, failing: true }), state({ name: 'api-keys' })];
    expect(scrape()).toEqual([
      { labels: { projection: 'alerts' }, value: 0 },
      { labels: { projection: 'api-keys' }, value: 1 },
    ]);
    // … then resubscribed, and not through a write yet: still down, as readiness says.
    states = [state({ failing: true })];
    expect(scrape()).toEqual([{ labels: { projection: 'alerts' }, value: 0 }]);
    // Not running, without a failure (stopped).
    states = [state({ running: false })];
    expect(scrape()).toEqual([{ labels: { projection: 'alerts' }, value: 0 }]);
    states = [state({})];
    expect(scrape()).toEqual([{ labels: { projection: 'alerts' }, value: 1 }]);
  });

  it('counts a projection paused by a move to a new read-model generation as up, unless it is failing', () => {
    states = [state({ name: 'key-table', running: false, moving: true })];
    expect(scrape()).toEqual([{ labels: { projection: 'key-table' }, value: 1 }]);
    states = [state({ name: 'key-table', running: false, moving: true, failing: true })];
    expect(scrape()).toEqual([{ labels: { projection: 'key-table' }, value: 0 }]);
  });
});
