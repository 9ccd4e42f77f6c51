import pino from 'pino';
import { Environment } from '../../shared/config/environment.js';
import type { Histogram, Metrics } from '../../shared/metrics/metrics.port.js';
import { NoMetrics } from '../../shared/metrics/no-metrics.js';
import { HttpObservation } from './http-observation.js';

class BucketsOf extends NoMetrics {
  buckets: readonly number[] = [];

  override histogram<L extends string>(definition?: { readonly buckets: readonly number[] }): Histogram<L> {
    this.buckets = definition?.buckets ?? [];
    return super.histogram<L>();
  }
}

describe('HttpObservation: parsesphere_http_request_duration_seconds', () => {
  it('has a finite bucket for a request held by a stalled store past 10 s, short of the 30 s request timeout', () => {
    const metrics = new BucketsOf();
    new HttpObservation(pino({ level: 'silent' }), metrics as Metrics, new Environment());
    // Measured against a stopped FerretDB: a GET of one key answered 503 after 9.85 s; an append waits out
    // EventStoreDB's 10 s deadline. Past the last bound it is only '+Inf', which histogram_quantile reads as that bound.
    expect(metrics.buckets.some((bound) => bound >= 10.05)).toBe(true);
    expect(Math.max(...metrics.buckets)).toBeLessThanOrEqual(new Environment().HTTP_REQUEST_TIMEOUT_MS / 1000);
  });
});
