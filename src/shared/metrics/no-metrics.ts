import { type Counter, type CounterSeries, type Histogram, Metrics } from './metrics.port.js';

/** Counts but exposes nothing: for processes without /metrics (the CLI) and for unit tests. */
export class NoMetrics extends Metrics {
  counter<L extends string>(): Counter<L> {
    return { series: (): CounterSeries => new PlainSeries() };
  }

  histogram<L extends string>(): Histogram<L> {
    return { observe: () => undefined };
  }

  gauge(): void {}
}

class PlainSeries implements CounterSeries {
  value = 0;

  inc(by = 1): void {
    this.value += by;
  }
}

export const NO_METRICS: Metrics = new NoMetrics();
