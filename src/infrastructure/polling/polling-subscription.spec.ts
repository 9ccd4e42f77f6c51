import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { AppendSignal, type PolledBatch, pollingSubscription, typesOf } from './polling-subscription.js';

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

  describe('woken by the appends of its types only', () => {
    const started: (() => Promise<void>)[] = [];
    // Stopped even when a test fails: each sleeps a minute between polls.
    afterEach(async () => {
      await Promise.all(started.splice(0).map((stop) => stop()));
    });

    /** A subscription that polls once a minute, so that any read after the first is a wake-up; counts its reads. */
    const subscribe = (signal: AppendSignal, types: readonly string[] | undefined) => {
      let reads = 0;
      const subscription = pollingSubscription(
        async () => {
          reads++;
          return { events: [], scannedUpTo: null };
        },
        signal,
        60_000,
        { after: null, types },
        { onEvents: async () => undefined, onError: (error) => { throw error; } },
      );
      started.push(() => subscription.stop());
      return { reads: () => reads, stop: () => subscription.stop() };
    };
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

    it('wakes the subscriptions that read a type appended, and those that read every type', async () => {
      const signal = new AppendSignal();
      const keys = subscribe(signal, ['KeyCreated', 'KeyRevoked']);
      const uses = subscribe(signal, ['KeyUsed']);
      const everything = subscribe(signal, undefined);
      await settle();
      expect([keys.reads(), uses.reads(), everything.reads()]).toEqual([1, 1, 1]);

      signal.notify(typesOf([{ events: [{ type: 'KeyUsed' }, { type: 'KeyUsed' }] }]));
      await settle();
      expect([keys.reads(), uses.reads(), everything.reads()]).toEqual([1, 2, 2]);

      signal.notify(typesOf([{ events: [{ type: 'KeyUsed' }] }, { events: [{ type: 'KeyRevoked' }] }]));
      await settle();
      expect([keys.reads(), uses.reads(), everything.reads()]).toEqual([2, 3, 3]);

      // Appends of unknown types (another connection's, told by a nudge without types) wake every subscription.
      signal.notify();
      await settle();
      expect([keys.reads(), uses.reads(), everything.reads()]).toEqual([3, 4, 4]);
    });

    it('stops at once while asleep, and a stopped subscription is told of nothing more', async () => {
      const signal = new AppendSignal();
      const uses = subscribe(signal, ['KeyUsed']);
      await settle();
      const startedAt = Date.now();
      await uses.stop();
      expect(Date.now() - startedAt).toBeLessThan(30_000);
      signal.notify(['KeyUsed']);
      await settle();
      expect(uses.reads()).toBe(1);
    });
  });
});
