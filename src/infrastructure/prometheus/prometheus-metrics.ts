import { collectDefaultMetrics, Counter as PromCounter, Gauge, Histogram as PromHistogram, Registry } from 'prom-client';
import {
  type Counter,
  type CounterSeries,
  type GaugeDefinition,
  type Histogram,
  type Labels,
  type MetricDefinition,
  Metrics,
} from '../../shared/metrics/metrics.port.js';

class Series implements CounterSeries {
  value = 0;

  constructor(readonly labels: Record<string, string>) {}

  inc(by = 1): void {
    this.value += by;
  }
}

/**
 * The metrics port on prom-client, one registry per application (so several apps in one test process do not
 * collide), with Node's default process metrics. Counters are plain numbers on the request path and are
 * handed to prom-client only when scraped: prom-client's own inc() hashes the labels on every call.
 */
export class PrometheusMetrics extends Metrics {
  private readonly registry = new Registry();

  constructor() {
    super();
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format of every metric. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  counter<L extends string = never>(definition: MetricDefinition<L>): Counter<L> {
    const series = new Map<string, Series>();
    new PromCounter({
      name: definition.name,
      help: definition.help,
      labelNames: [...(definition.labelNames ?? [])],
      registers: [this.registry],
      collect(this: PromCounter) {
        this.reset();
        for (const one of series.values()) this.inc(one.labels, one.value);
      },
    });
    return {
      series: (labels: Labels<L>) => {
        const key = JSON.stringify(labels);
        let one = series.get(key);
        if (!one) series.set(key, (one = new Series({ ...labels })));
        return one;
      },
    };
  }

  histogram<L extends string = never>(definition: MetricDefinition<L> & { readonly buckets: readonly number[] }): Histogram<L> {
    const histogram = new PromHistogram({
      name: definition.name,
      help: definition.help,
      labelNames: [...(definition.labelNames ?? [])],
      buckets: [...definition.buckets],
      registers: [this.registry],
    });
    return { observe: (labels, value) => histogram.observe(labels as Partial<Record<string, string>>, value) };
  }

  gauge<L extends string = never>(definition: GaugeDefinition<L>): void {
    new Gauge({
      name: definition.name,
      help: definition.help,
      labelNames: [...(definition.labelNames ?? [])],
      registers: [this.registry],
      collect(this: Gauge) {
        const reading = definition.read();
        this.reset();
        if (typeof reading === 'number') this.set(reading);
        else for (const one of reading) this.set(one.labels as Record<string, string>, one.value);
      },
    });
  }
}
