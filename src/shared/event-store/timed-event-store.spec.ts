import { jest } from '@jest/globals';
import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { type Histogram, Metrics } from '../metrics/metrics.port.js';
import { NoMetrics } from '../metrics/no-metrics.js';
import { timedEventStore } from './timed-event-store.js';

class RecordingMetrics extends NoMetrics {
  readonly observed: { labels: Record<string, string>; value: number }[] = [];
  buckets: readonly number[] = [];

  override histogram<L extends string>(definition?: { readonly buckets: readonly number[] }): Histogram<L> {
    this.buckets = definition?.buckets ?? [];
    return { observe: (labels, value) => void this.observed.push({ labels, value }) };
  }
}

const event = { type: 'Something', schemaVersion: 1, data: {} };

describe('timedEventStore', () => {
  it('times each append by operation and outcome, and leaves everything else to the store', async () => {
    const metrics = new RecordingMetrics();
    const inner = new InMemoryEventStore();
    const store = timedEventStore(inner, metrics as Metrics);
    await store.appendToStream('s-1', [event], 'no_stream');
    await expect(store.appendToStream('s-1', [event], 'no_stream')).rejects.toThrow();
    await store.appendToStreams([{ streamId: 's-2', events: [event], expectedRevision: 'any' }]);
    // A roll's appends (the successor and the old key's KeyRolled) are a command's, not a usage batch.
    await store.appendToStreams(
      [
        { streamId: 's-3', events: [event], expectedRevision: 'no_stream' },
        { streamId: 's-4', events: [event], expectedRevision: 'no_stream' },
      ],
      { together: true },
    );
    expect(metrics.observed.map(({ labels }) => labels)).toEqual([
      { operation: 'append', outcome: 'ok' },
      { operation: 'append', outcome: 'failed' },
      { operation: 'append_many', outcome: 'ok' },
      { operation: 'append', outcome: 'ok' },
    ]);
    expect(metrics.observed.every(({ value }) => value >= 0 && value < 5)).toBe(true);
    expect(await store.headPosition()).toBe(await inner.headPosition());
    expect((await store.readStream('s-1')).length).toBe(1);
  });

  it("has a finite bucket for an append that waits out EventStoreDB's 10 s deadline, as the usage flush's histogram has", async () => {
    const metrics = new RecordingMetrics();
    const store = timedEventStore(new InMemoryEventStore(), metrics as Metrics);
    const clock = jest.spyOn(performance, 'now').mockReturnValueOnce(1_000).mockReturnValueOnce(11_050);
    try {
      await store.appendToStream('s-1', [event], 'no_stream');
    } finally {
      clock.mockRestore();
    }
    const [{ value }] = metrics.observed;
    expect(value).toBeCloseTo(10.05);
    // Above the last bound it is only '+Inf': histogram_quantile then answers the last bound, 5 s when that was the last.
    expect(metrics.buckets.some((bound) => bound >= value)).toBe(true);
  });
});
