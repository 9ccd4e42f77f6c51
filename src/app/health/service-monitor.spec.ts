import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { Environment } from '../../shared/config/environment.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import type { ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';
import type { ProjectionLag, ProjectionsService } from '../projections/projections.service.js';
import { ServiceMonitor } from './service-monitor.js';
import { StoreRecoveries } from './store-recoveries.js';

const lag = (overrides: Partial<ProjectionLag>): ProjectionLag => ({
  name: 'api-keys',
  running: true,
  failing: false,
  position: 10,
  lastError: null,
  role: 'read-model',
  lagEvents: 0,
  lagEventsCapped: false,
  lagMs: 0,
  lagMsAtLeast: false,
  moving: false,
  ...overrides,
});

describe('ServiceMonitor', () => {
  let readModelUp: boolean;
  let eventStoreUp: boolean;
  let lags: ProjectionLag[] | 'no answer';
  let lines: { level: string; line: Record<string, unknown> }[];
  let monitor: ServiceMonitor;
  let retries: number;
  /** What a read-model ping that fails does besides failing (the test of downSeconds spends the ping's time there). */
  let whileReadModelDown: () => void;

  beforeEach(() => {
    whileReadModelDown = () => undefined;
    readModelUp = true;
    eventStoreUp = true;
    lags = [lag({})];
    lines = [];
    retries = 0;
    for (const level of ['log', 'warn', 'error'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((line: unknown) => void lines.push({ level, line: line as Record<string, unknown> }));
    }
    const config = Object.assign(new Environment(), { READINESS_MAX_LAG_EVENTS: 100, READINESS_MAX_LAG_MS: 5000 });
    const projections = {
      lag: () => (lags === 'no answer' ? new Promise(() => undefined) : Promise.resolve(lags)),
      positions: () => [],
      retryNow: async () => void retries++,
    } as unknown as ProjectionsService;
    monitor = new ServiceMonitor(
      { ping: async () => (eventStoreUp ? undefined : Promise.reject(new Error('no answer for 10000 ms'))) } as unknown as EventStore,
      {
        ping: async () => {
          if (readModelUp) return;
          whileReadModelDown();
          throw new Error('connect ECONNREFUSED');
        },
      } as unknown as ReadModelStorage,
      projections,
      config,
      NO_METRICS,
      new StoreRecoveries(projections),
    );
  });
  afterEach(() => jest.restoreAllMocks());

  const messages = () => lines.map(({ level, line }) => `${level} ${String(line.msg)}`);

  it('logs nothing while everything is up and caught up', async () => {
    await monitor.check();
    await monitor.check();
    expect(lines).toEqual([]);
  });

  it('logs a store going down once, and its recovery once', async () => {
    await monitor.check();
    readModelUp = false;
    await monitor.check();
    await monitor.check();
    readModelUp = true;
    await monitor.check();
    await monitor.check();
    expect(messages()).toEqual(['warn store down', 'log store recovered']);
    expect(lines[0].line).toMatchObject({ store: 'read_model', error: 'connect ECONNREFUSED' });
    expect(lines[1].line).toMatchObject({ store: 'read_model', downSeconds: expect.any(Number) });
  });

  // The start's sample (service-main.ts, before listening) fills the gauges only: a projection catching up at start is
  // judged from the first periodic sample on, as before that sample existed; a store down is logged at once.
  it('logs no projection change at the start sample, and the first periodic sample judges the projections as before', async () => {
    lags = [lag({ lagEvents: 500 })];
    readModelUp = false;
    await monitor.sampleAtStart();
    expect(messages()).toEqual(['warn store down']);
    await monitor.check();
    expect(messages()).toEqual(['warn store down', 'warn projection lagging']);
  });

  // operations.md, Logs: downSeconds is the time between the samples that saw the change, a multiple of the 10 s interval.
  // A failing ping takes its timeout (here 2 s) before the sample ends: timed at the end, a 30 s outage read 28.
  it("measures downSeconds between the starts of the samples that saw the store go down and come back, whatever their pings took", async () => {
    let clock = 1_000_000;
    jest.spyOn(performance, 'now').mockImplementation(() => clock);
    whileReadModelDown = () => void (clock += 2_000);
    const sampleAt = async (at: number) => {
      clock = at;
      await monitor.check();
    };
    await sampleAt(1_000_000);
    readModelUp = false;
    await sampleAt(1_010_000);
    await sampleAt(1_020_000);
    await sampleAt(1_030_000);
    readModelUp = true;
    await sampleAt(1_040_000);
    expect(lines.map(({ line }) => line)).toEqual([
      expect.objectContaining({ msg: 'store down', store: 'read_model' }),
      { msg: 'store recovered', store: 'read_model', downSeconds: 30 },
    ]);
  });

  // operations.md, "A clock stepped on a running instance": the log's durations are monotonic.
  it('measures downSeconds on the monotonic clock: a wall-clock step back of an hour during the outage is not in it', async () => {
    let monotonic = 5_000;
    let wall = 1_800_000_000_000;
    jest.spyOn(performance, 'now').mockImplementation(() => monotonic);
    jest.spyOn(Date, 'now').mockImplementation(() => wall);
    await monitor.check();
    readModelUp = false;
    monotonic += 10_000;
    wall += 10_000;
    await monitor.check();
    monotonic += 30_000;
    wall += 30_000 - 3_600_000;
    readModelUp = true;
    await monitor.check();
    expect(lines[1].line).toEqual({ msg: 'store recovered', store: 'read_model', downSeconds: 30 });
  });

  it('has the projections waiting out a retry delay retry at once when a store it saw down answers again, once', async () => {
    await monitor.check();
    readModelUp = false;
    await monitor.check();
    await monitor.check();
    expect(retries).toBe(0);
    readModelUp = true;
    await monitor.check();
    await monitor.check();
    expect(retries).toBe(1);
  });

  it('logs a projection failing while resubscribed (running, its writes failing) as stopped, like one waiting out its delay', async () => {
    await monitor.check();
    lags = [lag({ name: 'alerts', role: 'statistics', running: true, failing: true, lastError: 'MongoDB is unavailable' })];
    await monitor.check();
    lags = [lag({ name: 'alerts', role: 'statistics', running: false, failing: true, lastError: 'MongoDB is unavailable' })];
    await monitor.check();
    lags = [lag({ name: 'alerts', role: 'statistics' })];
    await monitor.check();
    expect(messages()).toEqual(['error projection stopped', 'log projection running again']);
    expect(lines[0].line).toMatchObject({ projection: 'alerts', error: 'MongoDB is unavailable' });
  });

  // FerretDB killed for 25 s under load: key-usage came back 5,001 events behind, and 'projection stopped' was
  // followed by 'projection lagging' and 'projection caught up', never by 'projection running again'.
  it('logs a stopped projection that comes back behind as running again, then lagging', async () => {
    await monitor.check();
    lags = [lag({ name: 'key-usage', role: 'statistics', running: false, failing: true, lastError: 'MongoDB is unavailable' })];
    await monitor.check();
    lags = [lag({ name: 'key-usage', role: 'statistics', lagEvents: 5001, lagMs: 23_000 })];
    await monitor.check();
    lags = [lag({ name: 'key-usage', role: 'statistics' })];
    await monitor.check();
    expect(messages()).toEqual(['error projection stopped', 'log projection running again', 'warn projection lagging', 'log projection caught up']);
  });

  it('logs a store that is down at the first check', async () => {
    readModelUp = false;
    await monitor.check();
    expect(messages()).toEqual(['warn store down']);
  });

  it('logs a read model lagging past the readiness limits once, then caught up; a stopped projection as an error', async () => {
    await monitor.check();
    lags = [lag({ lagEvents: 101, lagMs: 200 })];
    await monitor.check();
    await monitor.check();
    lags = [lag({})];
    await monitor.check();
    lags = [lag({ running: false, lastError: 'disk full' })];
    await monitor.check();
    lags = [lag({})];
    await monitor.check();
    expect(messages()).toEqual(['warn projection lagging', 'log projection caught up', 'error projection stopped', 'log projection running again']);
    expect(lines[0].line).toMatchObject({ projection: 'api-keys', role: 'read-model', lagEvents: 101, lagMs: 200, maxLagEvents: 100, maxLagMs: 5000 });
    expect(lines[2].line).toMatchObject({ projection: 'api-keys', error: 'disk full' });
  });

  it('logs statistics lagging too, naming their role (they never make the instance unready)', async () => {
    lags = [lag({ name: 'key-usage', role: 'statistics', lagEvents: 0, lagMs: 6000 })];
    await monitor.check();
    lags = [lag({ name: 'key-usage', role: 'statistics' })];
    await monitor.check();
    expect(messages()).toEqual(['warn projection lagging', 'log projection caught up']);
    expect(lines[0].line).toMatchObject({ projection: 'key-usage', role: 'statistics', lagMs: 6000 });
  });

  it('is not held by a lag measurement that never ends: the next samples still see the store go down', async () => {
    jest.useFakeTimers();
    try {
      lags = 'no answer';
      const first = monitor.check();
      await jest.advanceTimersByTimeAsync(5000);
      await first;
      eventStoreUp = false;
      const second = monitor.check();
      await jest.advanceTimersByTimeAsync(5000);
      await second;
      expect(messages()).toEqual(['warn store down']);
      expect(lines[0].line).toMatchObject({ store: 'event_store' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('reports nothing once stopping: a store closing is not a store down', async () => {
    await monitor.check();
    await monitor.onModuleDestroy();
    readModelUp = false;
    await monitor.check();
    expect(lines).toEqual([]);
  });
});
