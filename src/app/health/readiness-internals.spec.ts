import { withoutInternals } from './readiness-internals.js';

describe('withoutInternals', () => {
  it('keeps every check and figure, and drops the text of errors and reasons, wherever they are', () => {
    const answer = {
      status: 'error',
      info: { rate_limits: { status: 'up', sharing: 'per-instance', reason: 'connect ECONNREFUSED 10.0.0.7:6379', since: '2026-12-06T00:00:00.000Z' } },
      details: {
        event_store: { status: 'down', error: 'The event log /srv/keys/events.sqlite cannot be written: database or disk is full' },
        read_model: { status: 'degraded', reachable: false, error: 'connect ECONNREFUSED 10.0.0.8:27017' },
        projections: { projections: [{ name: 'key-table', status: 'down', position: 3, error: 'not running' }], max_lag_events: 5000 },
        stores: { read_model: { status: 'down', error: 'getaddrinfo ENOTFOUND mongo.internal' } },
      },
      error: { type: 'service_unavailable_error', message: 'Not ready: event_store' },
    };
    expect(withoutInternals(answer)).toEqual({
      status: 'error',
      info: { rate_limits: { status: 'up', sharing: 'per-instance', since: '2026-12-06T00:00:00.000Z' } },
      details: {
        event_store: { status: 'down' },
        read_model: { status: 'degraded', reachable: false },
        projections: { projections: [{ name: 'key-table', status: 'down', position: 3 }], max_lag_events: 5000 },
        stores: { read_model: { status: 'down' } },
      },
      error: { type: 'service_unavailable_error', message: 'Not ready: event_store' },
    });
  });
});
