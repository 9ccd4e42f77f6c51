import type { ProjectionLag } from '../projections/projections.service.js';
import { StoreDamagedError } from '../../shared/storage/store-damaged.error.js';
import { checkDependency, describeProjection, holdsReadiness, projectionHealth } from './readiness.js';

const limits = { maxLagEvents: 100, maxLagMs: 5000 };
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

describe('projectionHealth', () => {
  it.each([
    ['caught up', lag({}), 'up'],
    ['at both limits', lag({ lagEvents: 100, lagMs: 5000 }), 'up'],
    ['one event past the limit', lag({ lagEvents: 101 }), 'lagging'],
    ['its oldest pending event too old', lag({ lagEvents: 1, lagMs: 5001 }), 'lagging'],
    ['not running, even caught up', lag({ running: false }), 'down'],
    ['resubscribed after a failure, its writes not through yet', lag({ role: 'statistics', failing: true, lastError: 'MongoDB is unavailable' }), 'down'],
    ['background work retrying after a failure', lag({ role: 'background', failing: true, lastError: 'MongoDB is unavailable' }), 'down'],
    ['background work far behind (nobody reads it)', lag({ role: 'background', lagEvents: 10_000, lagMs: 60_000 }), 'up'],
    ['background work not running', lag({ role: 'background', running: false }), 'down'],
    ['statistics past the limit', lag({ role: 'statistics', lagEvents: 101 }), 'lagging'],
    ['statistics within the limits', lag({ role: 'statistics', lagEvents: 100, lagMs: 5000 }), 'up'],
    ['statistics not running', lag({ role: 'statistics', running: false }), 'down'],
    ['statistics being filled from the start of the log, within the limits', lag({ role: 'statistics', position: null, lagEvents: 3 }), 'lagging'],
    ['a read model with no position and nothing to read', lag({ position: null }), 'up'],
    // Every instance moves within the same GENERATION_CHECK_INTERVAL_MS: down, the whole fleet was unready together.
    ['the key table paused by a move to a new generation, serving what it holds', lag({ running: false, moving: true }), 'up'],
    ['failing while it moves', lag({ running: false, moving: true, failing: true, lastError: 'MongoDB is unavailable' }), 'down'],
  ])('%s: %s', (_case, projection, expected) => {
    expect(projectionHealth(projection, limits)).toBe(expected);
  });
});

describe('holdsReadiness', () => {
  // Statistics and background work down (a read-model store outage, or the seconds after one while they wait out
  // their retry delay) used to hold readiness once the store answered: every instance on the store left together.
  it.each([
    ['read-model', 'lagging', true],
    ['read-model', 'down', true],
    ['read-model', 'up', false],
    ['statistics', 'lagging', false],
    ['statistics', 'down', false],
    ['statistics', 'up', false],
    ['background', 'down', false],
    ['background', 'up', false],
  ] as const)('%s %s: %s', (role, health, expected) => {
    expect(holdsReadiness(role, health)).toBe(expected);
  });
});

describe('describeProjection', () => {
  it('says why a projection is down, even when it stopped without an error of its own', () => {
    expect(describeProjection(lag({ running: false }), limits)).toMatchObject({ status: 'down', error: 'not running' });
  });

  it('says that a projection reported up is being moved to a new generation', () => {
    expect(describeProjection(lag({ running: false, moving: true }), limits)).toMatchObject({ status: 'up', moving: true });
    expect(describeProjection(lag({}), limits)).not.toHaveProperty('moving');
  });

  it('says that a lag_ms is only a floor: the first check after a start, a projection behind, counts from the first look', () => {
    expect(describeProjection(lag({ role: 'statistics', lagEvents: 50, lagMs: 0, lagMsAtLeast: true }), limits)).toMatchObject({ lag_ms: 0, lag_ms_at_least: true });
    expect(describeProjection(lag({}), limits)).not.toHaveProperty('lag_ms_at_least');
  });

  it('gives the error of a projection down or lagging, not one behind a projection that is up again', () => {
    const lastError = 'MongoDB is unavailable: connect ECONNREFUSED 127.0.0.1:27017';
    expect(describeProjection(lag({ role: 'statistics', failing: true, lastError }), limits)).toMatchObject({ status: 'down', error: lastError });
    expect(describeProjection(lag({ role: 'statistics', position: null, lagEvents: 5, lastError }), limits)).toMatchObject({ status: 'lagging', error: lastError });
    expect(describeProjection(lag({ role: 'statistics', lastError }), limits)).not.toHaveProperty('error');
  });
});

describe('checkDependency', () => {
  const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });

  it('is up when the ping answers', async () => {
    expect(await checkDependency(async () => undefined)).toEqual({ status: 'up' });
  });

  // A damaged file was one more "down" with a text that only METRICS_TOKEN shows.
  it.each([
    ['damage', new StoreDamagedError('Read-model file /data/read-model.sqlite', corrupt, { reported: true })],
    ['a failure for damage', new Error('The event log /data/events.sqlite cannot be written: x', { cause: new StoreDamagedError('The event log /data/events.sqlite', corrupt) })],
  ])('says the store is damaged when the ping fails with %s', async (_, error) => {
    expect(await checkDependency(() => Promise.reject(error))).toEqual({ status: 'down', error: error.message, damaged: true });
  });

  it('says nothing of damage for another failure', async () => {
    expect(await checkDependency(() => Promise.reject(new Error('ECONNREFUSED')))).toEqual({ status: 'down', error: 'ECONNREFUSED' });
  });
});
