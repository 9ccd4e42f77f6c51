import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { ServiceUnavailable } from '../application/errors.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { ReadModelLostError } from '../storage/read-model-lost.error.js';
import { StoreDamagedError } from '../storage/store-damaged.error.js';
import { SubscriptionUnconfirmedError } from '../event-store/subscription-unconfirmed.error.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';

class RecordingProjection implements Projection {
  readonly name = 'recording';
  readonly eventTypes = ['Wanted'];
  seen: number[] = [];
  saved: number | null = null;
  failuresLeft = 0;
  /** Why each failure fails: the same reason each time unless told. */
  failureReason = () => 'store down';
  /** The error each failure throws, from its reason. */
  failureError = (message: string): Error => new Error(message);

  async checkpoint() {
    return this.saved;
  }
  async handle(events: readonly RecordedEvent[]) {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw this.failureError(this.failureReason());
    }
    this.seen.push(...events.map((e) => e.position));
    this.saved = events[events.length - 1].position;
  }
  async saveCheckpoint(position: number) {
    this.saved = position;
  }
  startedOverWithin: (number | null)[] = [];
  async startOverWithin(end: number | null) {
    this.startedOverWithin.push(end);
    this.seen = [];
    this.saved = null;
    return null;
  }
}

const wanted = { type: 'Wanted', schemaVersion: 1, data: {} };
const unwanted = { type: 'Unwanted', schemaVersion: 1, data: {} };

describe('ProjectionRunner', () => {
  let store: InMemoryEventStore;
  let projection: RecordingProjection;
  let runner: ProjectionRunner;

  beforeEach(() => {
    store = new InMemoryEventStore();
    projection = new RecordingProjection();
    runner = new ProjectionRunner(store, projection, { retryMinMs: 5, retryMaxMs: 20 });
  });
  afterEach(() => runner.stop());

  it('resumes from the stored checkpoint, exclusive', async () => {
    await store.appendToStream('a', [wanted, wanted, wanted], 'no_stream');
    projection.saved = 2;
    await runner.start();
    await runner.waitUntilProcessed(3, 1000);
    expect(projection.seen).toEqual([3]);
  });

  it('starts a projection over when its checkpoint is past the end of the log (a log restored from an earlier copy), and says so', async () => {
    const warnings: string[] = [];
    runner = new ProjectionRunner(store, projection, { retryMinMs: 5, retryMaxMs: 20, onLog: (_, message) => warnings.push(message) });
    await store.appendToStream('a', [wanted, wanted], 'no_stream');
    projection.saved = 7;
    await runner.start();
    const { position } = await store.appendToStream('a', [wanted], 1);
    await runner.waitUntilProcessed(position, 1000);
    expect(projection.startedOverWithin).toEqual([2]);
    expect(projection.seen).toEqual([1, 2, 3]);
    expect(warnings).toEqual([expect.stringMatching(/^Projection recording had reached position 7 of the event log, which ends at 2: .* starts over from the start of the log$/)]);
  });

  it('does not start following the log when stopped while it reads its checkpoint (a stop during the service’s start)', async () => {
    await store.appendToStream('a', [wanted], 'no_stream');
    let answer!: (position: number | null) => void;
    projection.checkpoint = () => new Promise((resolve) => (answer = resolve));
    const starting = runner.start();
    const stopping = runner.stop();
    answer(null);
    await Promise.all([starting, stopping]);
    await store.appendToStream('a', [wanted], 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(projection.seen).toEqual([]);
    expect(runner.status().running).toBe(false);
  });

  it('takes a checkpoint at the end of the log, or on a store that cannot say where its log ends, at its word', async () => {
    projection.saved = 0;
    await runner.start();
    await runner.stop();
    await store.appendToStream('a', [wanted, wanted], 'no_stream');
    projection.saved = 2;
    await runner.start();
    await runner.stop();
    const withoutEnd = Object.assign(Object.create(store) as InMemoryEventStore, { endPosition: undefined });
    projection.saved = 9;
    runner = new ProjectionRunner(withoutEnd, projection, { retryMinMs: 5, retryMaxMs: 20 });
    await runner.start();
    expect(projection.startedOverWithin).toEqual([]);
    expect(runner.status().position).toBe(9);
  });

  it('resolves waiters once their position is processed, skipped events included', async () => {
    await runner.start();
    const { position } = await store.appendToStream('a', [wanted], 'no_stream');
    await runner.waitUntilProcessed(position, 1000);
    expect(projection.seen).toEqual([position]);
    const skipped = await store.appendToStream('b', [unwanted], 'no_stream');
    await runner.waitUntilProcessed(skipped.position, 1000);
    expect(projection.saved).toBe(skipped.position);
  });

  it('stores a position past events of other types at most once a second, and the last one when paused', async () => {
    await runner.start();
    const first = await store.appendToStream('b', [unwanted], 'no_stream');
    await runner.waitUntilProcessed(first.position, 1000);
    expect(projection.saved).toBe(first.position);
    const second = await store.appendToStream('b', [unwanted], 0);
    await runner.waitUntilProcessed(second.position, 1000);
    expect(runner.status().position).toBe(second.position);
    expect(projection.saved).toBe(first.position);
    const { position } = await store.appendToStream('a', [wanted], 'no_stream');
    await runner.waitUntilProcessed(position, 1000);
    expect(projection.saved).toBe(position);
    const third = await store.appendToStream('b', [unwanted], 1);
    await runner.waitUntilProcessed(third.position, 1000);
    expect(projection.saved).toBe(position);
    await runner.pause();
    expect(projection.saved).toBe(third.position);
  });

  // FerretDB killed for 30 s under load: each of the 3 projections logged an error line at every retry (26 lines,
  // about 2,000 an hour), beside the monitor's one `projection stopped` line each.
  it('logs a run of failures once when it starts, again when its reason changes, and once when it runs again', async () => {
    const logged: string[] = [];
    runner = new ProjectionRunner(store, projection, { retryMinMs: 1, retryMaxMs: 2, onLog: (level, message) => logged.push(`${level} ${message}`) });
    projection.failuresLeft = 12;
    let failed = 0;
    projection.failureReason = () => (++failed <= 8 ? 'MongoDB is unavailable: connect ECONNREFUSED' : 'MongoDB is unavailable: connection closed');
    await runner.start();
    const { position } = await store.appendToStream('a', [wanted], 'no_stream');
    await runner.waitUntilProcessed(position, 2000);
    expect(logged).toEqual([
      'error Projection recording failed (MongoDB is unavailable: connect ECONNREFUSED); resubscribing in 1 ms',
      'error Projection recording failed (MongoDB is unavailable: connection closed); resubscribing in 2 ms',
      expect.stringMatching(/^log Projection recording running again after 12 failed attempt\(s\) over \d+\.\d s$/),
    ]);
  });

  // The alert webhook after its 5th failure said 'resubscribing in 100 ms', and its next attempt came 8 s later.
  it("gives the projection's own wait before its next attempt when it is longer than the runner's delay", async () => {
    const logged: string[] = [];
    runner = new ProjectionRunner(store, projection, { retryMinMs: 1, retryMaxMs: 2, onLog: (level, message) => logged.push(`${level} ${message}`) });
    projection.failuresLeft = 2;
    let failed = 0;
    projection.failureError = (message) => Object.assign(new Error(`${message} ${++failed}`), { nextAttemptInMs: failed === 1 ? 8000 : 0 });
    await runner.start();
    const { position } = await store.appendToStream('a', [wanted], 'no_stream');
    await runner.waitUntilProcessed(position, 2000);
    expect(logged.slice(0, 2)).toEqual([
      'error Projection recording failed (store down 1); resubscribing in 1 ms, next attempt in 8000 ms',
      'error Projection recording failed (store down 2); resubscribing in 2 ms',
    ]);
  });

  it('times out a waiter with ServiceUnavailable when the projection cannot keep up', async () => {
    projection.failuresLeft = 1000;
    await runner.start();
    const { position } = await store.appendToStream('a', [wanted], 'no_stream');
    await expect(runner.waitUntilProcessed(position, 50)).rejects.toBeInstanceOf(ServiceUnavailable);
    expect(runner.status().lastError).toBe('store down');
  });

  it('resubscribes after failures and processes every event exactly once', async () => {
    projection.failuresLeft = 3;
    await runner.start();
    await store.appendToStream('a', [wanted, wanted], 'no_stream');
    const { position } = await store.appendToStream('a', [wanted], 1);
    await runner.waitUntilProcessed(position, 2000);
    expect(projection.seen).toEqual([1, 2, 3]);
    expect(runner.status()).toMatchObject({ running: true, position: 3, lastError: null });
  });

  describe('after a failure', () => {
    /** A write that fails first, then hangs until let through: the projection resubscribed, its store not back yet. */
    const failThenHold = () => {
      let letThrough!: () => void;
      const held = new Promise<void>((resolve) => (letThrough = resolve));
      const handle = projection.handle.bind(projection);
      let calls = 0;
      projection.handle = async (events) => {
        calls++;
        if (calls === 1) throw new Error('MongoDB is unavailable');
        await held;
        await handle(events);
      };
      return { letThrough, calls: () => calls };
    };

    it('is failing while resubscribed until a write of its own goes through, not running-and-fine with an error', async () => {
      const write = failThenHold();
      await runner.start();
      const { position } = await store.appendToStream('a', [wanted], 'no_stream');
      await waitFor(() => write.calls() === 2);
      expect(runner.status()).toMatchObject({ running: true, failing: true, lastError: 'MongoDB is unavailable' });
      write.letThrough();
      await runner.waitUntilProcessed(position, 1000);
      expect(runner.status()).toMatchObject({ running: true, failing: false, lastError: null });
    });

    it('retries at once when told the store is back, rather than at the end of its delay', async () => {
      runner = new ProjectionRunner(store, projection, { retryMinMs: 60_000, retryMaxMs: 60_000 });
      projection.failuresLeft = 1;
      await runner.start();
      const { position } = await store.appendToStream('a', [wanted], 'no_stream');
      await waitFor(() => runner.status().failing);
      expect(runner.status().running).toBe(false);
      await runner.retryNow();
      await runner.waitUntilProcessed(position, 1000);
      expect(projection.seen).toEqual([position]);
      expect(runner.status()).toMatchObject({ running: true, failing: false, lastError: null });
    });

    it('makes a failed checkpoint save again first, and fails no more once it went through', async () => {
      let saveFailures = 1;
      const save = projection.saveCheckpoint.bind(projection);
      projection.saveCheckpoint = async (position) => {
        if (saveFailures-- > 0) throw new Error('MongoDB is unavailable');
        await save(position);
      };
      await runner.start();
      const { position } = await store.appendToStream('b', [unwanted], 'no_stream');
      await waitFor(() => projection.saved === position);
      await waitFor(() => !runner.status().failing);
      expect(runner.status()).toMatchObject({ running: true, failing: false, position, lastError: null });
    });

    it('fails no more when the log holds nothing past it once it resubscribes (its read of the log failed)', async () => {
      const subscribe = store.subscribeToAll.bind(store);
      let subscriptions = 0;
      store.subscribeToAll = (options, handler) => {
        if (++subscriptions > 1) return subscribe(options, handler);
        setImmediate(() => handler.onError(new Error('log unreachable')));
        return { stop: async () => undefined };
      };
      await store.appendToStream('a', [wanted], 'no_stream');
      projection.saved = 1;
      await runner.start();
      await waitFor(() => subscriptions === 2);
      expect(runner.status()).toMatchObject({ running: true, failing: false, position: 1, lastError: null });
    });

    // EventStoreDB confirms a subscription before it sends anything; a server that takes the call and never confirms it
    // fails it at the adapter's bound (SubscriptionUnconfirmedError). Everything else answers (the log's head: nothing
    // past the projection), which made it "fail no more" at each resubscription until its bound: up, reading nothing.
    it('stays failing, through resubscriptions, while its subscriptions are not confirmed, and fails no more once one is', async () => {
      const subscribe = store.subscribeToAll.bind(store);
      let subscriptions = 0;
      let confirm = false;
      // Whether it was reported failing as each resubscription began (what readiness would have said till its bound).
      const failingAtResubscription: boolean[] = [];
      store.subscribeToAll = (options, handler) => {
        if (++subscriptions > 1) failingAtResubscription.push(runner.status().failing);
        if (confirm) {
          const subscription = subscribe(options, handler);
          setImmediate(() => handler.onConfirmed?.());
          return subscription;
        }
        setImmediate(() => handler.onError(new SubscriptionUnconfirmedError('EventStoreDB', 10)));
        return { stop: async () => undefined };
      };
      await store.appendToStream('a', [wanted], 'no_stream');
      projection.saved = 1;
      const logs: string[] = [];
      runner = new ProjectionRunner(store, projection, { retryMinMs: 5, retryMaxMs: 5, onLog: (level, message) => void logs.push(`${level} ${message}`) });
      await runner.start();
      await waitFor(() => subscriptions >= 5);
      expect(failingAtResubscription.slice(0, 4)).toEqual([true, true, true, true]);
      expect(runner.status()).toMatchObject({ failing: true, lastError: 'EventStoreDB is unavailable: the subscription was not confirmed within 10 ms' });
      confirm = true;
      await waitFor(() => !runner.status().failing);
      expect(runner.status()).toMatchObject({ running: true, failing: false, position: 1, lastError: null });
      expect(logs).toEqual([
        expect.stringMatching(/^error Projection recording failed \(EventStoreDB is unavailable: the subscription was not confirmed within 10 ms\); resubscribing in 5 ms$/),
        expect.stringMatching(/^log Projection recording running again after \d+ failed attempt\(s\)/),
      ]);
    });
  });

  // A damaged SQLite file failed every write the same way: each retry logged an error line, 100 ms then every 5 s, without end.
  describe('on a store found damaged (StoreDamagedError)', () => {
    const damaged = (reported: boolean) =>
      new StoreDamagedError('Read-model file /data/read-model.sqlite', Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }), { reported });
    const failingWith = (error: () => Error, times: number) => {
      const handle = projection.handle.bind(projection);
      let calls = 0;
      projection.handle = async (events) => {
        if (++calls <= times) throw error();
        await handle(events);
      };
      return () => calls;
    };

    it.each([
      ['the store did not report', 1, false],
      ['the store reported itself (its own one line)', 0, true],
    ])('logs damage %s in %i line at most, not one at each retry, and retries at its own pace, not backing off from the least delay', async (_, lines, reported) => {
      const logged: string[] = [];
      runner = new ProjectionRunner(store, projection, { retryMinMs: 1, retryMaxMs: 2, damagedRetryMs: 40, onLog: (_level, message) => logged.push(message) });
      const calls = failingWith(() => damaged(reported), 3);
      await runner.start();
      const started = performance.now();
      const { position } = await store.appendToStream('a', [wanted], 'no_stream');
      await waitFor(() => calls() === 2);
      expect(runner.status()).toMatchObject({ failing: true, lastError: 'Read-model file /data/read-model.sqlite is damaged: database disk image is malformed' });
      await runner.waitUntilProcessed(position, 2000);
      // Three failures, three waits of 40 ms (retried every 1 to 2 ms, it was a hundred attempts by then).
      expect(performance.now() - started).toBeGreaterThanOrEqual(115);
      expect(calls()).toBe(4);
      expect(logged).toHaveLength(lines);
      if (lines) expect(logged[0]).toMatch(/^Projection recording stopped on a damaged store \(Read-model file .* is damaged: .*\); retrying every 40 ms$/);
      expect(runner.status()).toMatchObject({ failing: false, lastError: null });
    });

    it('retries at once when told the store answers again', async () => {
      runner = new ProjectionRunner(store, projection, { retryMinMs: 1, retryMaxMs: 2, damagedRetryMs: 60_000 });
      failingWith(() => damaged(true), 1);
      await runner.start();
      const { position } = await store.appendToStream('a', [wanted], 'no_stream');
      await waitFor(() => runner.status().failing);
      await runner.retryNow();
      await runner.waitUntilProcessed(position, 1000);
      expect(projection.seen).toEqual([position]);
    });
  });

  it('starts over from the checkpoint stored now when its read model was lost under it (a dropped database)', async () => {
    await runner.start();
    await store.appendToStream('a', [wanted, wanted], 'no_stream');
    await runner.waitUntilProcessed(2, 1000);
    // The read model is dropped: its checkpoint with it, and the next write finds it gone.
    projection.saved = null;
    const handle = projection.handle.bind(projection);
    projection.handle = async (events) => {
      projection.handle = handle;
      throw new ReadModelLostError('recording', 'its checkpoint is gone');
    };
    const { position } = await store.appendToStream('a', [wanted], 1);
    await runner.waitUntilProcessed(position, 2000);
    // Fed the whole log again, not only what came after the position it had reached.
    expect(projection.seen).toEqual([1, 2, 1, 2, 3]);
    expect(runner.status()).toMatchObject({ running: true, position: 3, lastError: null });
  });

  describe('on an empty read model (no checkpoint) of a projection that can work in bulk', () => {
    class BulkProjection extends RecordingProjection {
      log: string[] = [];
      beginBulk() {
        this.log.push('begin');
      }
      async endBulk() {
        this.log.push('end');
      }
      override async handle(events: readonly RecordedEvent[]) {
        await super.handle(events);
        this.log.push(`handle ${events.length}`);
      }
    }

    it('fills it in bulk from the start of the log, then follows the log', async () => {
      const bulk = new BulkProjection();
      const bulkRunner = new ProjectionRunner(store, bulk, { retryMinMs: 5, retryMaxMs: 20 });
      await store.appendToStream('a', [wanted, unwanted, wanted, wanted], 'no_stream');
      try {
        await bulkRunner.start();
        await bulkRunner.waitUntilProcessed(4, 1000);
        expect(bulk.log).toEqual(['begin', 'handle 3', 'end']);
        expect(bulk.saved).toBe(4);
        const { position } = await store.appendToStream('a', [wanted], 3);
        await bulkRunner.waitUntilProcessed(position, 1000);
        expect(bulk.log.slice(3)).toEqual(['handle 1']);
        expect(bulk.seen).toEqual([1, 3, 4, 5]);
      } finally {
        await bulkRunner.stop();
      }
    });

    it('starts the fill again after a failure, from what the failed one had saved', async () => {
      const bulk = new BulkProjection();
      bulk.failuresLeft = 1;
      const bulkRunner = new ProjectionRunner(store, bulk, { retryMinMs: 5, retryMaxMs: 20 });
      await store.appendToStream('a', [wanted, wanted], 'no_stream');
      try {
        await bulkRunner.start();
        await bulkRunner.waitUntilProcessed(2, 1000);
        expect(bulk.log).toEqual(['begin', 'begin', 'handle 2', 'end']);
        expect(bulkRunner.status()).toMatchObject({ running: true, position: 2, lastError: null });
      } finally {
        await bulkRunner.stop();
      }
    });

    // A log that fails the fill each time (a malformed page): its checkpoint read answering reset the delay, and
    // api-keys and key-usage retried every 100 ms without end while the key table backed off to 5 s.
    it('backs off, doubling its delay, when the fill keeps failing', async () => {
      const bulk = new BulkProjection();
      bulk.failuresLeft = 5;
      // A reason of its own each time: a failure repeating the last one is not logged again.
      bulk.failureReason = () => `malformed page ${bulk.failuresLeft}`;
      const delays: number[] = [];
      const onLog = (_level: string, message: string) => {
        const delay = /resubscribing in (\d+) ms/.exec(message);
        if (delay) delays.push(Number(delay[1]));
      };
      const bulkRunner = new ProjectionRunner(store, bulk, { retryMinMs: 5, retryMaxMs: 40, onLog });
      await store.appendToStream('a', [wanted, wanted], 'no_stream');
      try {
        await bulkRunner.start();
        await bulkRunner.waitUntilProcessed(2, 2000);
        expect(delays).toEqual([5, 10, 20, 40, 40]);
      } finally {
        await bulkRunner.stop();
      }
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
