/** The checks /health/ready runs, by the names its answer gives them. */
const CHECKS: Record<string, string> = {
  event_store: 'The event store answered a ping (down: error, and damaged: true for a log SQLite found damaged).',
  read_model: 'The read-model store: reachable (true or false; damaged: true for a file SQLite found damaged), reported and never unready.',
  projections: 'Each projection (name, role, status, position, lag_events, lag_events_capped, lag_ms), with max_lag_events and max_lag_ms.',
  rate_limits: 'Where rate limits are counted (sharing: in-process or redis, and why).',
  clock: "This instance's clock against the others' (standing, offset_ms, instances, agreeing, outvoted, tolerance_ms).",
};

const check = (description: string, statuses: string[]) => ({
  type: 'object',
  description,
  required: ['status'],
  properties: { status: { type: 'string', enum: statuses } },
  additionalProperties: true,
});

const checksUp = (description: string) => ({
  type: 'object',
  description,
  required: Object.keys(CHECKS),
  properties: Object.fromEntries(Object.entries(CHECKS).map(([name, what]) => [name, check(what, ['up'])])),
  additionalProperties: false,
});

/** The 200 of /health/ready: @nestjs/terminus's HealthCheckResult with every check up. */
export const READY_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['status', 'info', 'error', 'details'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    info: checksUp('The checks that are up: all of them.'),
    error: { type: 'object', description: 'The checks that are down: none.', maxProperties: 0 },
    details: checksUp('Every check, by name.'),
  },
  additionalProperties: false,
};
