import { type Counter, type MetricDefinition, Metrics } from '../../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import { AUTHENTICATION_FAILURE_REASONS } from '../../usage/domain/authentication-failed.js';
import { AuthenticationMetrics, METRICS_TOKEN_FAILURE, SERVICE_CREDENTIAL_FAILURE } from './authentication-metrics.js';

class DefinitionsKept extends Metrics {
  readonly help = new Map<string, string>();

  counter<L extends string>(definition: MetricDefinition<L>): Counter<L> {
    this.help.set(definition.name, definition.help);
    return NO_METRICS.counter(definition);
  }

  histogram = NO_METRICS.histogram.bind(NO_METRICS);
  gauge = NO_METRICS.gauge.bind(NO_METRICS);
}

describe('AuthenticationMetrics', () => {
  it('names every reason parsesphere_auth_failures_total is counted by in its help (until 2026-12-06, four of nine)', () => {
    const metrics = new DefinitionsKept();
    new AuthenticationMetrics(metrics);
    const help = metrics.help.get('parsesphere_auth_failures_total') ?? '';
    for (const reason of [...AUTHENTICATION_FAILURE_REASONS, SERVICE_CREDENTIAL_FAILURE, METRICS_TOKEN_FAILURE]) expect(help).toContain(reason);
  });
});
