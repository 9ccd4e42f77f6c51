import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { loadEnvironment } from '../../shared/config/environment.js';
import type { AppendResult, StreamAppend } from '../../shared/event-store/event-store.port.js';
import { KEY_USED, type KeyUsedData } from '../domain/key-used.js';
import { UsageRecorder } from './usage-recorder.js';

const config = loadEnvironment({ USAGE_FLUSH_INTERVAL_MS: '60000' });

const use = (keyId: string, n: number): KeyUsedData => ({
  keyId,
  accountId: 'acme',
  usedAt: new Date(Date.UTC(2026, 10, 27, 9, 0, n)).toISOString(),
  requestId: `req_${keyId}_${n}`,
  ip: null,
  userAgent: null,
  method: 'GET',
  path: '/v1/api-keys',
  outcome: 'accepted',
});

/** Writes the first batch it is given and then fails, as when a store's answer is lost after the write. */
class LostReplyStore extends InMemoryEventStore {
  failuresLeft = 1;

  override async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const results = await super.appendToStreams(appends);
    if (this.failuresLeft-- > 0) throw new Error('connection reset after the write');
    return results;
  }
}

describe('UsageRecorder', () => {
  it('writes every use exactly once when a batch it retries had in fact been written', async () => {
    const store = new LostReplyStore();
    const recorder = new UsageRecorder(store, config);
    for (let n = 0; n < 10; n++) recorder.record(use(n % 2 ? 'key-a' : 'key-b', n));

    await recorder.flush();
    await recorder.flush();

    const written = (await store.readAll({ after: null, maxCount: 100, types: [KEY_USED] })).map((e) => e.data.requestId);
    expect(written.sort()).toEqual(Array.from({ length: 10 }, (_, n) => use(n % 2 ? 'key-a' : 'key-b', n).requestId).sort());
    expect(store.failuresLeft).toBe(-1);
  });

  it('does not retry a failing store on every use recorded: the full buffer waits for the backoff', async () => {
    const store = new (class extends InMemoryEventStore {
      attempts = 0;
      override async appendToStreams(): Promise<AppendResult[]> {
        this.attempts += 1;
        throw new Error('database or disk is full');
      }
    })();
    const recorder = new UsageRecorder(store, config);
    for (let n = 0; n < 2000; n++) recorder.record(use('key-a', n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.attempts).toBe(1); // the full buffer's flush
    for (let n = 0; n < 200; n++) {
      recorder.record(use('key-a', 2000 + n));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(store.attempts).toBe(1);
  });
});

describe('UsageRecorder, RECORD_CLIENT_ADDRESS and RECORD_USER_AGENT (docs/personal-data.md)', () => {
  const client = { ip: '203.0.113.77', userAgent: 'Mozilla/5.0 alice-laptop' };
  const failure = {
    failedAt: '2026-11-27T09:00:00.000Z',
    requestId: 'req_f',
    ...client,
    method: 'GET',
    path: '/v1/api-keys',
    reason: 'unknown' as const,
    keyId: null,
    accountId: null,
  };

  async function recorded(settings: Record<string, string>) {
    const store = new InMemoryEventStore();
    const recorder = new UsageRecorder(store, loadEnvironment({ USAGE_FLUSH_INTERVAL_MS: '60000', ...settings }));
    recorder.record({ ...use('key-a', 1), ...client });
    recorder.recordFailure(failure);
    await recorder.flush();
    return (await store.readAll({ after: null, maxCount: 10 })).map((event) => [event.type, event.data.ip, event.data.userAgent]);
  }

  it('records the address and user agent by default', async () => {
    expect(await recorded({})).toEqual([
      [KEY_USED, '203.0.113.77', 'Mozilla/5.0 alice-laptop'],
      ['AuthenticationFailed', '203.0.113.77', 'Mozilla/5.0 alice-laptop'],
    ]);
  });

  it('records only the network, or no address, and no user agent, in uses and failed authentications', async () => {
    expect(await recorded({ RECORD_CLIENT_ADDRESS: 'network', RECORD_USER_AGENT: 'false' })).toEqual([
      [KEY_USED, '203.0.113.0', null],
      ['AuthenticationFailed', '203.0.113.0', null],
    ]);
    expect(await recorded({ RECORD_CLIENT_ADDRESS: 'none' })).toEqual([
      [KEY_USED, null, 'Mozilla/5.0 alice-laptop'],
      ['AuthenticationFailed', null, 'Mozilla/5.0 alice-laptop'],
    ]);
  });

  it('refuses a setting it does not know, naming it', () => {
    expect(() => loadEnvironment({ RECORD_CLIENT_ADDRESS: 'truncated' })).toThrow(/RECORD_CLIENT_ADDRESS/);
    expect(() => loadEnvironment({ RECORD_USER_AGENT: 'no' })).toThrow(/RECORD_USER_AGENT/);
  });
});
