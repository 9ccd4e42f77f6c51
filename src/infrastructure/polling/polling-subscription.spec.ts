import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { AppendSignal, type PolledBatch, pollingSubscription } from './polling-subscription.js';

const event = (position: number): RecordedEvent => ({
  id: `e${position}`,
  streamId: 's',
  type: 'Happened',
  schemaVersion: 1,
  data: {},
  metadata: {},
  revision: position - 1,
  position,
  recordedAt: new Date(0).toISOString(),
});

describe('pollingSubscription', () => {
  it('reads again at once when an append is signalled while it reads, instead of sleeping a whole poll', async () => {
    const signal = new AppendSignal();
    const log: RecordedEvent[] = [];
    let reads = 0;
    const readBatch = async (after: number | null): Promise<PolledBatch> => {
      const batch = log.filter((e) => e.position > (after ?? 0));
      if (++reads === 1) {
        // Another connection appends and signals after this read's snapshot was taken.
        log.push(event(1));
        signal.notify();
      }
      return { events: batch, scannedUpTo: null };
    };
    const received: number[] = [];
    let delivered!: () => void;
    const deliveredOnce = new Promise<void>((resolve) => (delivered = resolve));
    const subscription = pollingSubscription(readBatch, signal, 60_000, { after: null }, {
      onEvents: async (events) => {
        received.push(...events.map((e) => e.position));
        delivered();
      },
      onError: (error) => {
        throw error;
      },
    });
    const startedAt = Date.now();
    await deliveredOnce;
    expect(received).toEqual([1]);
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    await subscription.stop();
  });
});
