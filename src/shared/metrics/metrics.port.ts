/**
 * The metrics port: features declare their own counters, histograms and gauges here and never see the
 * exposition library (src/infrastructure/prometheus implements it; src/app/observability serves /metrics).
 * Names follow Prometheus conventions: snake_case, a `parsesphere_` prefix, `_total` on counters, base units.
 */
export type Labels<L extends string> = Readonly<Record<L, string>>;

export interface MetricDefinition<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
}

/** One labelled series of a counter: increasing it is a single addition, cheap enough for the hottest path. */
export interface CounterSeries {
  inc(by?: number): void;
  readonly value: number;
}

export interface Counter<L extends string> {
  /** The series of these label values; bind it once, outside the hot path, and keep it. */
  series(labels: Labels<L>): CounterSeries;
}

export interface Histogram<L extends string> {
  observe(labels: Labels<L>, value: number): void;
}

export interface GaugeReading<L extends string> {
  readonly labels: Labels<L>;
  readonly value: number;
}

export interface GaugeDefinition<L extends string> extends MetricDefinition<L> {
  /** Read at every scrape: one number, or one reading per label set. */
  read(): number | readonly GaugeReading<L>[];
}

/**
 * An abstract class so it serves as the injection token. src/app provides it; features inject it as optional
 * (NO_METRICS when absent), so a feature module still starts where nothing exposes metrics (the CLI, tests).
 */
export abstract class Metrics {
  abstract counter<L extends string = never>(definition: MetricDefinition<L>): Counter<L>;
  abstract histogram<L extends string = never>(definition: MetricDefinition<L> & { readonly buckets: readonly number[] }): Histogram<L>;
  abstract gauge<L extends string = never>(definition: GaugeDefinition<L>): void;
}
