import type { StoreProbe } from './store-probes.js';
import { waitForStores } from './wait-for-stores.js';

/** A probe that fails `failures` times with `error`, then answers. */
function probe(name: string, failures: number, error = new Error('connect ECONNREFUSED 127.0.0.1:27017')): StoreProbe & { calls: number } {
  const result = {
    name,
    technology: name === 'event_store' ? 'EventStoreDB' : 'MongoDB',
    calls: 0,
    check: async () => {
      result.calls += 1;
      if (result.calls <= failures) throw error;
    },
  };
  return result;
}

const FAST = { firstDelayMs: 1, maxDelayMs: 4 };

describe('waitForStores', () => {
  it('says how long it waited by the monotonic clock, whatever the wall clock did meanwhile', async () => {
    const hourAgo = Date.now() - 3_600_000;
    const realNow = Date.now;
    let calls = 0;
    // The wall clock stepped back an hour between the first attempt and the second (an NTP step, a VM resumed).
    const stepped: StoreProbe = {
      name: 'read_model',
      technology: 'MongoDB',
      check: async () => {
        calls += 1;
        if (calls === 1) {
          Date.now = () => hourAgo;
          throw new Error('connect ECONNREFUSED 127.0.0.1:27017');
        }
      },
    };
    try {
      const wait = await waitForStores([stepped], { backoff: FAST });
      expect(wait.attempts).toBe(2);
      expect(wait.waitedMs).toBeGreaterThanOrEqual(0);
      expect(wait.waitedMs).toBeLessThan(60_000);
    } finally {
      Date.now = realNow;
    }
  });

  it('answers at the first attempt when every store is up, telling nobody', async () => {
    const failed: number[] = [];
    const wait = await waitForStores([probe('read_model', 0)], { backoff: FAST, onFailedAttempt: (state) => failed.push(state.attempts) });
    expect(wait.attempts).toBe(1);
    expect(failed).toEqual([]);
    expect(wait.stores.read_model).toEqual({ technology: 'MongoDB', status: 'up' });
  });

  it('checks every store at each attempt until all answer, the delay doubling up to its cap', async () => {
    const eventStore = probe('event_store', 1);
    const readModel = probe('read_model', 4);
    const seen: { attempt: number; retryInMs: number; down: string[] }[] = [];
    const wait = await waitForStores([eventStore, readModel], {
      backoff: FAST,
      onFailedAttempt: (state, retryInMs) =>
        seen.push({ attempt: state.attempts, retryInMs, down: Object.keys(state.stores).filter((name) => state.stores[name].status === 'down') }),
    });
    expect(wait.attempts).toBe(5);
    expect(eventStore.calls).toBe(5);
    expect(readModel.calls).toBe(5);
    expect(seen).toEqual([
      { attempt: 1, retryInMs: 1, down: ['event_store', 'read_model'] },
      { attempt: 2, retryInMs: 2, down: ['read_model'] },
      { attempt: 3, retryInMs: 4, down: ['read_model'] },
      { attempt: 4, retryInMs: 4, down: ['read_model'] },
    ]);
    expect(wait.nextAttemptAt).toBeNull();
  });

  it('keeps the first line of the cause, without a URL password or a key in it', async () => {
    const error = new Error('failed to connect to mongodb://admin:hunter2@db.internal:27017 with sk_0123456789abcdefghijABCDEFGH\n  at stack');
    let reported = '';
    await waitForStores([probe('read_model', 1, error)], {
      backoff: FAST,
      onFailedAttempt: (state) => (reported = state.stores.read_model.error ?? ''),
    });
    expect(reported).toContain('mongodb://[redacted]@db.internal:27017');
    expect(reported).not.toContain('hunter2');
    expect(reported).not.toContain('abcdefghijABCDEFGH');
    expect(reported).not.toContain('at stack');
  });

  it('gives up only when aborted', async () => {
    const aborted = new AbortController();
    const waiting = waitForStores([probe('read_model', Number.POSITIVE_INFINITY)], {
      backoff: FAST,
      signal: aborted.signal,
      onFailedAttempt: (state) => {
        if (state.attempts === 3) aborted.abort();
      },
    });
    await expect(waiting).rejects.toThrow();
  });
});
