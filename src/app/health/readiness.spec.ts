import type { ProjectionLag } from '../projections/projections.service.js';
import { holdsReadiness, projectionHealth } from './readiness.js';

const limits = { maxLagEvents: 100, maxLagMs: 5000 };
const lag = (overrides: Partial<ProjectionLag>): ProjectionLag => ({
  name: 'api-keys',
  running: true,
  position: 10,
  lastError: null,
  role: 'read-model',
  lagEvents: 0,
  lagEventsCapped: false,
  lagMs: 0,
  ...overrides,
});

describe('projectionHealth', () => {
  it.each([
    ['caught up', lag({}), 'up'],
    ['at both limits', lag({ lagEvents: 100, lagMs: 5000 }), 'up'],
    ['one event past the limit', lag({ lagEvents: 101 }), 'lagging'],
    ['its oldest pending event too old', lag({ lagEvents: 1, lagMs: 5001 }), 'lagging'],
    ['not running, even caught up', lag({ running: false }), 'down'],
    ['background work far behind (nobody reads it)', lag({ role: 'background', lagEvents: 10_000, lagMs: 60_000 }), 'up'],
    ['background work not running', lag({ role: 'background', running: false }), 'down'],
    ['statistics past the limit', lag({ role: 'statistics', lagEvents: 101 }), 'lagging'],
    ['statistics within the limits', lag({ role: 'statistics', lagEvents: 100, lagMs: 5000 }), 'up'],
    ['statistics not running', lag({ role: 'statistics', running: false }), 'down'],
    ['statistics being filled from the start of the log, within the limits', lag({ role: 'statistics', position: null, lagEvents: 3 }), 'lagging'],
    ['a read model with no position and nothing to read', lag({ position: null }), 'up'],
  ])('%s: %s', (_case, projection, expected) => {
    expect(projectionHealth(projection, limits)).toBe(expected);
  });
});

describe('holdsReadiness', () => {
  it.each([
    ['read-model', 'lagging', true],
    ['read-model', 'down', true],
    ['read-model', 'up', false],
    ['statistics', 'lagging', false],
    ['statistics', 'down', true],
    ['statistics', 'up', false],
    ['background', 'down', true],
    ['background', 'up', false],
  ] as const)('%s %s: %s', (role, health, expected) => {
    expect(holdsReadiness(role, health)).toBe(expected);
  });

  it.each([
    ['read-model', 'down', true],
    ['read-model', 'lagging', true],
    ['statistics', 'down', false],
    ['background', 'down', false],
    ['statistics', 'lagging', false],
  ] as const)('with the read-model store unreachable, %s %s: %s', (role, health, expected) => {
    expect(holdsReadiness(role, health, false)).toBe(expected);
  });
});
