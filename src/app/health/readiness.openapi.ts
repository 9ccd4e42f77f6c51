import { RATE_LIMIT_SHARING_MODES } from '../../shared/rate-limit/rate-limit-store.port.js';

/** The checks /health/ready runs, by the names its answer gives them. */
const CHECKS: Record<string, string> = {
  event_store: 'The event store answered a ping (down: error, and damaged: true for a log SQLite found damaged).',
  read_model:
    'The read-model store: up (reachable: true), or degraded (reachable: false, and damaged: true for a file SQLite found damaged): ' +
    'reported and never unready, a degraded store making the answer\'s status "degraded" with 200.',
  projections: 'Each projection (name, role, status, position, lag_events, lag_events_capped, lag_ms, and lag_ms_at_least: true when lag_ms is only a floor, its oldest pending event in the log before this instance first looked, at its start), with max_lag_events and max_lag_ms.',
  rate_limits:
    'How rate limits are counted now (sharing): in-process (no REDIS_URL: this instance alone), shared (in Redis, by every instance) or ' +
    'per-instance (Redis cannot answer: this instance decides alone meanwhile; with since, and reason for a caller presenting METRICS_TOKEN). Never unready.',
  clock: "This instance's clock against the others' (standing, offset_ms, instances, agreeing, outvoted, tolerance_ms).",
};

/** What a check's entry holds besides its status, where the document says more than its description. */
const FIGURES: Record<string, object> = {
  rate_limits: {
    sharing: { type: 'string', enum: [...RATE_LIMIT_SHARING_MODES] },
    since: { type: 'string', format: 'date-time', description: 'per-instance only: when this instance began deciding alone.' },
    reason: { type: 'string', description: 'per-instance only, for a caller presenting METRICS_TOKEN: why Redis cannot answer.' },
  },
};

/** The statuses a check has in a 200: `degraded` only for the read-model store. */
const statusesWhenReady = (name: string) => (name === 'read_model' ? ['up', 'degraded'] : ['up']);

const check = (name: string, description: string, statuses: string[]) => ({
  type: 'object',
  description,
  required: name === 'rate_limits' ? ['status', 'sharing'] : ['status'],
  properties: { status: { type: 'string', enum: statuses }, ...FIGURES[name] },
  additionalProperties: true,
});

const checksUp = (description: string) => ({
  type: 'object',
  description,
  required: Object.keys(CHECKS),
  properties: Object.fromEntries(Object.entries(CHECKS).map(([name, what]) => [name, check(name, what, statusesWhenReady(name))])),
  additionalProperties: false,
});

/** The 200 of /health/ready: @nestjs/terminus's HealthCheckResult with every check up, or degraded (the read-model store). */
export const READY_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['status', 'info', 'error', 'details'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'], description: 'degraded: ready, with the read-model store unreachable or damaged.' },
    info: checksUp('The checks that are up or degraded: all of them.'),
    error: { type: 'object', description: 'The checks that are down: none.', maxProperties: 0 },
    details: checksUp('Every check, by name.'),
  },
  additionalProperties: false,
};

/**
 * The 503 of /health/ready: the service's error body, with @nestjs/terminus's status, info and details beside it
 * (every check by name, the down ones included; while stopping, `stopping` alone, with the signal and since when).
 */
export const NOT_READY_RESPONSE_SCHEMA = {
  allOf: [
    { $ref: '#/components/schemas/ErrorResponse' },
    {
      type: 'object',
      required: ['status', 'info', 'details'],
      properties: {
        status: { type: 'string', enum: ['error'] },
        info: { type: 'object', description: 'The checks that are up, by name.', additionalProperties: true },
        details: {
          type: 'object',
          description:
            'Every check by name, up or down, with its figures (as in the 200); from SIGTERM or SIGINT on, `stopping` alone (status down, signal, since).',
          additionalProperties: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['up', 'down'] } }, additionalProperties: true },
        },
      },
    },
  ],
};
